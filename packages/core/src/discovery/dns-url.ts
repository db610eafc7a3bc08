import { ConfigError } from '../errors/config-error.js'
import type { EndpointConfig, EndpointInput } from '../types.js'
import type { Discovery } from './discovery.js'
import { type DnsDiscoveryOptions, dnsDiscovery } from './dns.js'

const INNER = new Set(['http', 'https', 'ws', 'wss', 'grpc', 'grpcs'])

/** True for `dns+<scheme>://…` and `dns+srv+<scheme>://…` endpoint URLs. */
export function isDnsUrl(url: unknown): url is string {
  return typeof url === 'string' && /^dns\+/i.test(url)
}

/**
 * Parses `dns+http://quorum.ns.svc:8545/path` (A/AAAA, port required) or
 * `dns+srv+grpcs://_grpc._tcp.peers.ns.svc` (SRV) into dnsDiscovery options.
 */
export function parseDnsUrl(
  url: string,
  field: string,
  template: Omit<EndpointConfig, 'url' | 'id'>,
  intervalMs?: number,
): DnsDiscoveryOptions {
  const m = /^dns\+(srv\+)?([a-z]+):\/\/([^/:?#]+)(?::(\d+))?(\/[^?#]*)?$/i.exec(url)
  const scheme = m?.[2]?.toLowerCase()
  if (!m || !scheme || !INNER.has(scheme)) {
    throw new ConfigError(
      field,
      url,
      'is not dns+<http|https|ws|wss|grpc|grpcs>://host:port[/path] or dns+srv+<scheme>://name',
    )
  }
  const srv = m[1] !== undefined
  if (!srv && m[4] === undefined)
    throw new ConfigError(field, url, 'needs a port (A/AAAA records carry none)')
  return {
    hostname: m[3]!,
    srv,
    scheme: scheme as DnsDiscoveryOptions['scheme'] & string,
    ...(m[4] === undefined ? {} : { port: Number(m[4]) }),
    ...(m[5] === undefined ? {} : { path: m[5] }),
    ...(intervalMs === undefined ? {} : { intervalMs }),
    template,
  }
}

/**
 * Discovery for an endpoint list mixing static entries and `dns+` URLs: each refresh resolves
 * every name; a failed or empty name fails the refresh, so the current members stay.
 */
export function mixedDiscovery(
  statics: readonly EndpointInput[],
  names: readonly DnsDiscoveryOptions[],
): Discovery {
  const lookups = names.map((o) => dnsDiscovery(o))
  return {
    intervalMs: Math.min(...lookups.map((d) => d.intervalMs ?? 10_000)),
    async resolve(signal) {
      const found = await Promise.all(lookups.map((d) => d.resolve(signal)))
      if (found.some((list) => list.length === 0))
        throw new Error('a dns+ name resolved to nothing')
      return [...statics, ...found.flat()]
    },
  }
}
