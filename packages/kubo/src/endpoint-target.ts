import type { Endpoint } from '@steadfast/core'

/** Where to send requests for an endpoint: its URL without userinfo, plus its headers. */
export interface EndpointTarget {
  url: string
  headers: Record<string, string>
}

/**
 * `http://user:pass@host:5001` becomes `http://host:5001` with `Authorization: Basic …`, since
 * `fetch` refuses URLs with credentials, and says so with the full URL in its error message.
 * The endpoint's own headers win over the derived one.
 */
export function endpointTarget(endpoint: Endpoint): EndpointTarget {
  const parsed = new URL(endpoint.url)
  const headers: Record<string, string> = {}
  if (parsed.username !== '' || parsed.password !== '') {
    const user = decodeURIComponent(parsed.username)
    const pass = decodeURIComponent(parsed.password)
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
    parsed.username = ''
    parsed.password = ''
  }
  return { url: parsed.toString().replace(/\/$/, ''), headers: { ...headers, ...endpoint.headers } }
}
