import { type Endpoint, redactText, redactUrl } from '@steadfast/core'
import { endpointTarget } from './endpoint-target.js'

/** The endpoint's secrets beyond its URL: header values, including the derived Basic credential. */
function headerSecrets(endpoint: Endpoint): string[] {
  return Object.values(endpointTarget(endpoint).headers)
    .flatMap((v) => [v, v.replace(/^(Basic|Bearer)\s+/i, '')])
    .filter((v) => v.length >= 8)
}

/** `text` without `endpoint`'s secrets (URL parts and header values). */
export function scrubMessage(text: string, endpoint: Endpoint): string {
  return scrubText(text, endpoint, headerSecrets(endpoint))
}

function scrubText(text: string, endpoint: Endpoint, secrets: readonly string[]): string {
  let out = redactText(text, [endpoint.url])
  for (const s of secrets) out = out.split(s).join('***')
  return out
}

/** A fetch `Response` reduced to what an error handler reads, with its URL redacted. */
function responseSnapshot(response: Response): Record<string, unknown> {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    url: redactUrl(response.url),
    redirected: response.redirected,
    type: response.type,
  }
}

/**
 * Removes `endpoint`'s secrets (URL userinfo, key-like path segments, token query values, header
 * values) from an error kubo-rpc-client threw, in place, through its cause chain: messages and
 * stacks (a node may quote the request back), and `HTTPError.response`, whose `url` is the raw
 * request URL, replaced by a snapshot with the URL redacted. Returns the same error.
 */
export function scrubError<E>(error: E, endpoint: Endpoint): E {
  const secrets = headerSecrets(endpoint)
  const seen = new Set<unknown>()
  for (let e: unknown = error; typeof e === 'object' && e !== null && !seen.has(e); ) {
    seen.add(e)
    const obj = e as { message?: unknown; stack?: unknown; response?: unknown; cause?: unknown }
    try {
      if (typeof obj.message === 'string') obj.message = scrubText(obj.message, endpoint, secrets)
      if (typeof obj.stack === 'string') obj.stack = scrubText(obj.stack, endpoint, secrets)
      if (typeof Response !== 'undefined' && obj.response instanceof Response)
        Object.defineProperty(obj, 'response', {
          value: responseSnapshot(obj.response),
          enumerable: true,
          configurable: true,
          writable: true,
        })
    } catch {
      // frozen or exotic error: leave it
    }
    e = obj.cause
  }
  return error
}
