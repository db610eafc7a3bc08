import { createHash, timingSafeEqual } from 'node:crypto'
import { HttpError } from './http-error.js'

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/**
 * Checks an `Authorization` header against the expected bearer token in constant time:
 * both sides are hashed to equal-length digests first, so neither the content nor the length
 * of the token leaks through timing. Throws a 401/403 {@link HttpError} when refused.
 */
export function checkBearer(header: string | undefined, token: string | undefined): void {
  if (token === undefined) {
    throw new HttpError(
      403,
      'MUTATIONS_DISABLED',
      'mutating routes are disabled: start the monitor with a token',
    )
  }
  const challenge = { 'www-authenticate': 'Bearer realm="steadfast"' }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')
  if (!match) {
    throw new HttpError(401, 'UNAUTHORIZED', 'missing bearer token', undefined, challenge)
  }
  if (!timingSafeEqual(digest(match[1] ?? ''), digest(token))) {
    throw new HttpError(401, 'UNAUTHORIZED', 'wrong bearer token', undefined, challenge)
  }
}
