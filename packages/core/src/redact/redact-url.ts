/** Query parameter names whose values are secrets. */
const SECRET_PARAM =
  /(key|token|secret|passw|pwd|auth|credential|signature|^sig$|session|jwt|bearer|private)/i

const MASK = '***'

/**
 * A path segment that looks like an API key: long, one token of [A-Za-z0-9_-], with both letters
 * and digits (Infura `/v3/<32 hex>`, Alchemy `/v2/<key>`, `/<apikey>`), or any 32+ char token.
 */
export function isKeyLikeSegment(segment: string): boolean {
  if (segment.length < 16 || !/^[A-Za-z0-9_\-.~%]+$/.test(segment)) return false
  if (segment.length >= 32) return true
  return /[0-9]/.test(segment) && /[A-Za-z]/.test(segment)
}

function redactQuery(search: string): string {
  if (search === '' || search === '?') return search
  const pairs = search
    .slice(1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq < 0) return isKeyLikeSegment(pair) ? MASK : pair
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      let decoded = name
      try {
        decoded = decodeURIComponent(name)
      } catch {}
      return SECRET_PARAM.test(decoded) || isKeyLikeSegment(value) ? `${name}=${MASK}` : pair
    })
  return `?${pairs.join('&')}`
}

function redactPath(path: string): string {
  return path
    .split('/')
    .map((s) => (isKeyLikeSegment(s) ? MASK : s))
    .join('/')
}

/** Fallback for strings the WHATWG parser refuses: scrub by pattern. */
function redactLoose(url: string): string {
  const noUser = url.replace(/\/\/[^/?#@\s]*@/g, `//${MASK}@`)
  const [beforeQuery = '', query] = noUser.split(/\?(.*)/s, 2)
  const path = redactPath(beforeQuery.split('#')[0] ?? '')
  return query === undefined ? path : `${path}${redactQuery(`?${query.split('#')[0]}`)}`
}

/**
 * Masks the secrets of a URL with `***`: userinfo, key/token/secret/password-like query values,
 * and long key-like path segments. The fragment is dropped. Never throws.
 * `https://user:pw@mainnet.infura.io/v3/0123…cdef?apikey=x` → `https://***@mainnet.infura.io/v3/***?apikey=***`
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return MASK
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return redactLoose(url)
  }
  if (parsed.host === '' && !url.includes('//')) return redactLoose(url)
  const user = parsed.username !== '' || parsed.password !== '' ? `${MASK}@` : ''
  // Keep the caller's spelling: no trailing slash is invented for `http://host:port`.
  const hasPath = /^[^:]+:\/\/[^/?#]*\//.test(url)
  const path = hasPath ? redactPath(parsed.pathname) : ''
  return `${parsed.protocol}//${user}${parsed.host}${path}${redactQuery(parsed.search)}`
}
