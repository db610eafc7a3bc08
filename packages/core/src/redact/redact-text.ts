import { isKeyLikeSegment, redactUrl } from './redact-url.js'

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi
/** `user:password@host` without a scheme (a gRPC address, a proxy setting). */
const BARE_USERINFO = /(^|[\s"'(<=])[^\s/@:"'()<>=]+:[^\s/@"'()<>]+@(?=[\w.[\]-])/g

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The secret fragments of a URL (userinfo parts, key-like query values and path segments). */
function secretsOf(url: string): string[] {
  const out: string[] = []
  try {
    const u = new URL(url)
    for (const part of [u.username, u.password]) {
      if (part !== '') out.push(part, decodeURIComponent(part))
    }
    // The Basic authorization value built from the userinfo is as secret as the password.
    if (u.username !== '' || u.password !== '') {
      const plain = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`
      out.push(Buffer.from(plain).toString('base64'))
    }
    for (const seg of u.pathname.split('/')) if (isKeyLikeSegment(seg)) out.push(seg)
    for (const [, value] of u.searchParams) if (value.length >= 4) out.push(value)
  } catch {}
  return out.filter((s) => s.length >= 4 && !redactUrl(url).includes(s))
}

/**
 * Scrubs a free-form message: every URL in it goes through `redactUrl`, and the secrets of the
 * known `urls` (userinfo, keys, tokens) are masked wherever they appear, even outside a URL.
 */
export function redactText(text: string, urls: readonly string[] = []): string {
  let out = String(text)
  for (const url of urls) {
    if (url === '') continue
    out = out.split(url).join(redactUrl(url))
    for (const secret of secretsOf(url))
      out = out.replace(new RegExp(escapeRegExp(secret), 'g'), '***')
  }
  return out.replace(URL_IN_TEXT, (m) => redactUrl(m)).replace(BARE_USERINFO, '$1***@')
}
