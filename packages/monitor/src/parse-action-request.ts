import type { SetActionRequest } from './apply-set-action.js'
import { invalidField } from './http-error.js'
import { MAX_TTL_MS } from './parse-duration.js'

const KNOWN = new Set(['set', 'endpoint', 'ttlMs', 'reason'])
/** Longest accepted name or reason, in characters. */
const MAX_TEXT = 512

function text(v: unknown, field: string): string {
  if (typeof v !== 'string') throw invalidField(field, 'must be a string')
  if (v.length === 0) throw invalidField(field, 'must not be empty')
  if (v.length > MAX_TEXT) throw invalidField(field, `longer than ${MAX_TEXT} characters`)
  return v
}

/**
 * Validates `{ set, endpoint?, ttlMs?, reason? }`. Throws a 400 naming the wrong field; unknown
 * fields are refused too, so a typo (`endpiont`) never silently widens an action.
 */
export function parseActionRequest(body: unknown): SetActionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidField('body', 'must be a JSON object like {"set":"main"}')
  }
  const b = body as Record<string, unknown>
  for (const key of Object.keys(b)) {
    if (!KNOWN.has(key))
      throw invalidField(key, 'unknown field (expected set, endpoint, ttlMs, reason)')
  }
  if (b.set === undefined) throw invalidField('set', 'required')
  const req: SetActionRequest = { set: text(b.set, 'set') }
  if (b.endpoint !== undefined) req.endpoint = text(b.endpoint, 'endpoint')
  if (b.reason !== undefined) req.reason = text(b.reason, 'reason')
  if (b.ttlMs !== undefined) {
    const ttl = b.ttlMs
    if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_MS) {
      throw invalidField('ttlMs', `must be a whole number of milliseconds in 1..${MAX_TTL_MS}`)
    }
    req.ttlMs = ttl
  }
  return req
}
