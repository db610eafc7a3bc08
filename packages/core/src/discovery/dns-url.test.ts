import { promises as dns } from 'node:dns'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import { ConfigError } from '../errors/config-error.js'
import { parseDnsUrl } from './dns-url.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('dns+ endpoint URLs', () => {
  it('args: dns+<scheme>://host:port/path and dns+srv+<scheme>://name parse into DNS discovery', () => {
    expect(parseDnsUrl('dns+http://quorum.ns.svc:8545/rpc', 'f', {})).toEqual({
      hostname: 'quorum.ns.svc',
      srv: false,
      scheme: 'http',
      port: 8545,
      path: '/rpc',
      template: {},
    })
    expect(parseDnsUrl('dns+srv+grpcs://_grpc._tcp.peers', 'f', {})).toMatchObject({
      srv: true,
      scheme: 'grpcs',
    })
  })

  it.each([
    ['dns+http://quorum.ns.svc', 'endpoints[0].url'],
    ['dns+ftp://x:1', 'endpoints[0].url'],
  ])('error: %s is a ConfigError', (url, field) => {
    expect(() => createEndpointSet({ endpoints: [url] })).toThrow(ConfigError)
    try {
      createEndpointSet({ endpoints: [url] })
    } catch (e) {
      expect((e as ConfigError).field).toBe(field)
    }
  })

  it('error: shared fields of a dns+ entry are validated up front', () => {
    expect(() =>
      createEndpointSet({ endpoints: [{ url: 'dns+http://q:8545', weight: -2 }] }),
    ).toThrow(/endpoints\[0\]\.weight/)
  })

  it('behavior: a dns+ entry expands to one endpoint per address, beside static ones', async () => {
    // No DNS server in tests: the system resolver is replaced (pure logic under test).
    vi.spyOn(dns, 'resolve4').mockResolvedValue(['10.1.0.7', '10.1.0.8'])
    vi.spyOn(dns, 'resolve6').mockResolvedValue([])
    const set = createEndpointSet({
      endpoints: [
        'http://static.test:1',
        { url: 'dns+http://localhost:8545', labels: { via: 'dns' } },
      ],
    })
    const membership: string[][] = []
    set.on('membership', (e) => membership.push(e.added))
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(membership).toEqual([['10.1.0.7:8545', '10.1.0.8:8545']])
    expect(set.endpoints.map((e) => e.url)).toEqual([
      'http://static.test:1',
      'http://10.1.0.7:8545',
      'http://10.1.0.8:8545',
    ])
    expect(set.endpoints[1]!.labels).toEqual({ via: 'dns' })
    await set.close()
  })
})
