import { promises as dns } from 'node:dns'
import type { EndpointConfig, EndpointInput } from '../types.js'
import type { Discovery } from './discovery.js'

/** The subset of `node:dns/promises` used; inject a fake in tests. */
export interface DnsResolver {
  resolve4(hostname: string): Promise<string[]>
  resolve6(hostname: string): Promise<string[]>
  resolveSrv(
    name: string,
  ): Promise<{ name: string; port: number; priority: number; weight: number }[]>
}

export interface DnsDiscoveryOptions {
  /** Name to resolve: a headless service (`quorum.ns.svc.cluster.local`) or an SRV name (`_rpc._tcp.quorum…`). */
  hostname: string
  /** Resolve SRV records (target, port, priority, weight) instead of A/AAAA. Default false. */
  srv?: boolean
  /** Port for A/AAAA records (SRV records carry their own). Required unless `srv`. */
  port?: number
  /** URL scheme of the endpoints. Default 'http'. */
  scheme?: 'http' | 'https' | 'ws' | 'wss' | 'grpc' | 'grpcs'
  /** Path appended to every endpoint URL. Default ''. */
  path?: string
  /** Which address families for A/AAAA: 4, 6 or both. Default 'any'. */
  family?: 4 | 6 | 'any'
  /** Refresh period in ms. Default 10000. */
  intervalMs?: number
  /** Fields copied to every discovered endpoint (headers, labels, timeoutMs). Default {}. */
  template?: Omit<EndpointConfig, 'url' | 'id'>
  /** Default: node:dns/promises. */
  resolver?: DnsResolver
}

async function addresses(r: DnsResolver, host: string, family: 4 | 6 | 'any'): Promise<string[]> {
  const v4 = family === 6 ? [] : r.resolve4(host).catch(() => [] as string[])
  const v6 = family === 4 ? [] : r.resolve6(host).catch(() => [] as string[])
  const [a, b] = await Promise.all([v4, v6])
  return [...a, ...b.map((ip) => `[${ip}]`)].sort()
}

/**
 * Membership from DNS, refreshed every `intervalMs`: A/AAAA of a Kubernetes headless service
 * (one endpoint per pod IP) or SRV records. Ids are `host:port`, so endpoints that stay keep
 * their health history across refreshes. A failed or empty answer keeps the current members.
 */
export function dnsDiscovery(o: DnsDiscoveryOptions): Discovery {
  const r: DnsResolver = o.resolver ?? dns
  const scheme = o.scheme ?? 'http'
  const path = o.path ?? ''
  const make = (
    host: string,
    port: number,
    extra: Partial<EndpointConfig> = {},
  ): EndpointInput => ({
    ...o.template,
    ...extra,
    url: `${scheme}://${host}:${port}${path}`,
  })
  return {
    intervalMs: o.intervalMs ?? 10_000,
    async resolve() {
      if (o.srv) {
        const records = await r.resolveSrv(o.hostname)
        return records
          .map((s) => make(s.name, s.port, { priority: s.priority, weight: Math.max(s.weight, 1) }))
          .sort((a, b) =>
            String((a as EndpointConfig).url).localeCompare((b as EndpointConfig).url),
          )
      }
      if (o.port === undefined) throw new TypeError('dnsDiscovery: port is required for A/AAAA')
      const port = o.port
      return (await addresses(r, o.hostname, o.family ?? 'any')).map((ip) => make(ip, port))
    },
  }
}
