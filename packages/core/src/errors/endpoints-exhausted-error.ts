import { redactText } from '../redact/redact-text.js'
import { errorMessage, SteadfastError } from './steadfast-error.js'

/** One failed attempt as recorded by `execute()`. */
export interface AttemptRecord {
  /** REDACTED url. */
  endpoint: string
  id: string
  error: unknown
}

/** Every attempt of a call failed (or the call could not move on). `cause` is the last error. */
export class EndpointsExhaustedError extends SteadfastError {
  readonly attempts: readonly AttemptRecord[]

  /** `urls`: the raw URLs of the endpoints, so their secrets are scrubbed from the message. */
  constructor(
    attempts: readonly AttemptRecord[],
    opts: { reason?: string; urls?: readonly string[] } = {},
  ) {
    const ids = new Set(attempts.map((a) => a.id))
    const summary = redactText(
      attempts.map((a) => `${a.id}: ${errorMessage(a.error)}`).join('; '),
      opts.urls ?? [],
    )
    const reason = opts.reason
    const n = attempts.length
    super(
      'ENDPOINTS_EXHAUSTED',
      reason ??
        `All ${n} attempt${n === 1 ? '' : 's'} failed across ${ids.size} endpoint${ids.size === 1 ? '' : 's'}`,
      { cause: attempts.at(-1)?.error, details: summary },
    )
    this.attempts = Object.freeze([...attempts])
  }
}
