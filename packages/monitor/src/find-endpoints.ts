import type { Endpoint, EndpointSet } from '@steadfast/core'

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  'http:': '80',
  'https:': '443',
  'ws:': '80',
  'wss:': '443',
}

/** `host:port` of an endpoint URL (lower-case, default port filled in), or undefined. */
export function hostPort(url: string): string | undefined {
  try {
    const u = new URL(url.includes('://') ? url : `tcp://${url}`)
    const port = u.port || DEFAULT_PORTS[u.protocol]
    if (!u.hostname) return undefined
    return port ? `${u.hostname}:${port}`.toLowerCase() : u.hostname.toLowerCase()
  } catch {
    return undefined
  }
}

function hostnameOf(hp: string): string {
  return hp.startsWith('[') ? hp.slice(0, hp.indexOf(']') + 1) : (hp.split(':')[0] ?? hp)
}

/**
 * The endpoints of `set` a reference names, by the documented rule:
 * 1. an endpoint whose `id` equals `ref`;
 * 2. else endpoints whose URL `host:port` equals `ref` (default ports 80/443 filled in);
 * 3. else, only when `hostOnly` is set, endpoints on the host `ref` names (its port ignored),
 *    for alerts raised by another exporter on the same machine.
 */
export function findEndpoints(set: EndpointSet, ref: string, hostOnly = false): Endpoint[] {
  const byId = set.endpoints.find((e) => e.id === ref)
  if (byId) return [byId]
  const wanted = hostPort(ref)
  if (wanted === undefined) return []
  const byHostPort = set.endpoints.filter((e) => hostPort(e.url) === wanted)
  if (byHostPort.length > 0 || !hostOnly) return byHostPort
  const host = hostnameOf(wanted)
  return set.endpoints.filter((e) => {
    const hp = hostPort(e.url)
    return hp !== undefined && hostnameOf(hp) === host
  })
}
