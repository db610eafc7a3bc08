import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import type { SetEvents } from '../types.js'
import { type DnsResolver, dnsDiscovery } from './dns.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

function fakeResolver() {
  const state = {
    a: ['10.0.0.1', '10.0.0.2'],
    aaaa: [] as string[],
    srv: [] as { name: string; port: number; priority: number; weight: number }[],
    fail: false,
  }
  const resolver: DnsResolver = {
    resolve4: async () => {
      if (state.fail) throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' })
      return state.a
    },
    resolve6: async () => state.aaaa,
    resolveSrv: async () => state.srv,
  }
  return { state, resolver }
}

describe('dnsDiscovery', () => {
  it('behavior: membership follows the A records; endpoints that stay keep their health history', async () => {
    const { state, resolver } = fakeResolver()
    const set = createEndpointSet({
      endpoints: [],
      discovery: dnsDiscovery({
        hostname: 'quorum.ns.svc',
        port: 8545,
        resolver,
        intervalMs: 1000,
      }),
      outlier: { consecutiveFailures: 1, baseEjectionMs: 60_000 },
    })
    const membership: SetEvents['membership'][] = []
    set.on('membership', (e) => membership.push(e))
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(set.endpoints.map((e) => e.url)).toEqual([
      'http://10.0.0.1:8545',
      'http://10.0.0.2:8545',
    ])
    set.reportFailure('10.0.0.2:8545', new Error('reset'))
    expect(set.status()[1]!.state).toBe('ejected')

    state.a = ['10.0.0.2', '10.0.0.3']
    await vi.advanceTimersByTimeAsync(1000)
    expect(membership.at(-1)).toEqual({
      set: 'default',
      added: ['10.0.0.3:8545'],
      removed: ['10.0.0.1:8545'],
    })
    expect(set.status().map((s) => `${s.id}=${s.state}`)).toEqual([
      '10.0.0.2:8545=ejected',
      '10.0.0.3:8545=unknown',
    ])
    await set.close()
  })

  it('behavior: a DNS failure or an empty answer keeps the current members', async () => {
    const { state, resolver } = fakeResolver()
    const set = createEndpointSet({
      endpoints: ['http://10.9.9.9:8545'],
      discovery: dnsDiscovery({ hostname: 'q', port: 8545, resolver, intervalMs: 1000 }),
    })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(set.endpoints).toHaveLength(2)
    state.fail = true
    await vi.advanceTimersByTimeAsync(1000)
    state.fail = false
    state.a = []
    await vi.advanceTimersByTimeAsync(1000)
    expect(set.endpoints.map((e) => e.id)).toEqual(['10.0.0.1:8545', '10.0.0.2:8545'])
    await set.close()
  })

  it('behavior: SRV records give host, port, priority and weight; AAAA addresses are bracketed', async () => {
    const { state, resolver } = fakeResolver()
    state.srv = [
      { name: 'peer1.org1', port: 7051, priority: 1, weight: 0 },
      { name: 'peer0.org1', port: 7051, priority: 0, weight: 5 },
    ]
    const srv = await dnsDiscovery({
      hostname: '_grpc._tcp.peers',
      srv: true,
      scheme: 'grpcs',
      resolver,
    }).resolve(new AbortController().signal)
    expect(srv).toEqual([
      { url: 'grpcs://peer0.org1:7051', priority: 0, weight: 5 },
      { url: 'grpcs://peer1.org1:7051', priority: 1, weight: 1 },
    ])
    state.aaaa = ['fd00::1']
    const ips = await dnsDiscovery({
      hostname: 'x',
      port: 5001,
      family: 6,
      resolver,
      path: '/api/v0',
    }).resolve(new AbortController().signal)
    expect(ips).toEqual([{ url: 'http://[fd00::1]:5001/api/v0' }])
  })
})
