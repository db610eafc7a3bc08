import { isLoopback } from './is-loopback.js'

/** The host name of a `Host` header value (port and IPv6 brackets removed), lower-case. */
function hostName(header: string): string | undefined {
  try {
    return new URL(`http://${header}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  } catch {
    return undefined
  }
}

/**
 * Whether a request's `Host` header names an allowed host. `allowed` undefined: any host;
 * the entry `'loopback'` accepts localhost and every loopback address.
 */
export function hostAllowed(
  header: string | undefined,
  allowed: readonly string[] | undefined,
): boolean {
  if (allowed === undefined) return true
  const name = header === undefined ? undefined : hostName(header)
  if (name === undefined || name === '') return false
  return allowed.some((a) => (a === 'loopback' ? isLoopback(name) : a === name))
}
