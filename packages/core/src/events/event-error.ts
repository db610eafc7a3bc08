import { errorMessage, SteadfastError } from '../errors/steadfast-error.js'
import { redactText } from '../redact/redact-text.js'
import type { Endpoint } from '../types.js'

/**
 * The error put in an `attempt` event: Steadfast errors and clean host errors as they are; an
 * error whose message leaks a secret of the endpoint URL (or is not an Error) gets wrapped in a
 * SteadfastError('ATTEMPT_FAILED') with a redacted message and the original as `cause`.
 */
export function toEventError(e: unknown, endpoint: Endpoint): SteadfastError | Error {
  if (e instanceof SteadfastError) return e
  const message = errorMessage(e)
  const clean = redactText(message, [endpoint.url])
  if (e instanceof Error && clean === message) return e
  return new SteadfastError('ATTEMPT_FAILED', clean, { cause: e, endpoint: endpoint.redactedUrl })
}
