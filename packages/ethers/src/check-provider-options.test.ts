import { ConfigError } from '@steadfast/core'
import { Network } from 'ethers'
import { describe, expect, it } from 'vitest'
import { FailoverProvider } from './failover-provider.js'

const URL = 'http://127.0.0.1:1'

/** Builds a provider (no I/O happens) and returns the ConfigError it throws, or 'accepted'. */
function attempt(
  options: Record<string, unknown>,
  endpoints: unknown[] = [URL],
  network: unknown = 1337,
): ConfigError | 'accepted' {
  try {
    const p = new FailoverProvider(endpoints as never, network as never, options as never)
    p.destroy()
    return 'accepted'
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
}

const field = (options: Record<string, unknown>, endpoints?: unknown[], network?: unknown) => {
  const r = attempt(options, endpoints, network)
  return r === 'accepted' ? r : r.field
}

describe('FailoverProvider options validation', () => {
  it.each([
    [{ hedge: null }, 'hedge'],
    [{ hedge: true }, 'hedge'],
    [{ hedge: 'adaptive' }, 'hedge'],
    [{ hedge: { delayMs: -1 } }, 'hedge.delayMs'],
    [{ hedge: { max: 1 } }, 'hedge.max'],
    [{ maxResponseBytes: -1 }, 'maxResponseBytes'],
    [{ maxResponseBytes: 1.5 }, 'maxResponseBytes'],
    [{ maxSockets: 'x' }, 'maxSockets'],
    [{ maxSockets: 0 }, 'maxSockets'],
    [{ rebroadcastAfterMs: -1 }, 'rebroadcastAfterMs'],
    [{ rebroadcastAfterMs: 0 }, 'rebroadcastAfterMs'],
    [{ propagationGraceMs: 'x' }, 'propagationGraceMs'],
    [{ propagationGraceMs: Number.NaN }, 'propagationGraceMs'],
    [{ preset: 'fastest' }, 'preset'],
    [{ preset: 'toString' }, 'preset'],
    [{ chainId: 'x' }, 'chainId'],
    [{ chainId: 0 }, 'chainId'],
    [{ chainId: 1.5 }, 'chainId'],
    [{ chainId: 1n }, 'chainId'], // differs from the network argument 1337
    [{ headers: 'x' }, 'headers'],
    [{ headers: { a: 1 } }, 'headers.a'],
    [{ headers: { 'bad name': 'v' } }, 'headers.bad name'],
    [{ headers: { authorization: 'Bearer x\r\nX-Evil: 1' } }, 'headers.authorization'],
    [{ probeIntervalMs: 0 }, 'probeIntervalMs'],
    [{ probeTimeoutMs: '2s' }, 'probeTimeoutMs'],
    [{ probe: 'yes' }, 'probe'],
    [{ probe: { minPeer: 1 } }, 'probe.minPeer'],
    [{ probe: { minPeers: -1 } }, 'probe.minPeers'],
    [{ probe: { consensus: 'pow' } }, 'probe.consensus'],
    [{ probe: { requireValidator: 'yes' } }, 'probe.requireValidator'],
    [{ probe: { tessera: { '127.0.0.1:1': 'not a url' } } }, 'probe.tessera.127.0.0.1:1'],
    [{ probe: { tessera: { 'other:1': 'http://t:9000/upcheck' } } }, 'probe.tessera.other:1'],
    [{ polling: 'yes' }, 'polling'],
    [{ staticNetwork: 'x' }, 'staticNetwork'],
    [{ staticNetwork: Network.from(1) }, 'staticNetwork'],
    [{ batchMaxCount: 0 }, 'batchMaxCount'],
    [{ batchMaxSize: 'big' }, 'batchMaxSize'],
    [{ batchStallTime: -1 }, 'batchStallTime'],
    [{ cacheTimeout: Number.NaN }, 'cacheTimeout'],
    [{ pollingInterval: 0 }, 'pollingInterval'],
    // A typo reaches nothing: refused, not ignored.
    [{ maxAttempt: 3 }, 'maxAttempt'],
    [{ ensAddress: '0x0' }, 'ensAddress'],
    // Checked by core, named as the option is.
    [{ policy: 'fastest' }, 'policy'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ outlier: { windowMs: -1 } }, 'outlier.windowMs'],
  ])('error: %o is rejected at %s', (options, expected) => {
    expect(field(options)).toBe(expected)
  })

  it.each([
    [[{ url: false }], 'endpoints[0].url'],
    [[{ url: { href: URL } }], 'endpoints[0].url'],
    [[URL, { url: 'http://b:1', tessera: 'not a url' }], 'endpoints[1].tessera'],
    [[{ url: URL, tessera: 'ftp://t/upcheck' }], 'endpoints[0].tessera'],
    [[{ url: URL, headers: { 'x y': 'v' } }], 'endpoints[0].headers.x y'],
    [[42], 'endpoints[0]'],
    [['ws://127.0.0.1:8546'], 'endpoints[0]'],
    [[URL, { url: 'wss://key@rpc.example/ws' }], 'endpoints[1].url'],
    [[null], 'endpoints[0]'],
    [[], 'endpoints'],
  ])('error: endpoints %o are rejected at %s', (endpoints, expected) => {
    expect(field({}, endpoints)).toBe(expected)
  })

  it('error: chainId must agree with staticNetwork when no network is given', () => {
    const build = () =>
      new FailoverProvider([URL], undefined, { staticNetwork: Network.from(5), chainId: 1 })
    expect(build).toThrow(ConfigError)
    expect(build).toThrow(/chainId differs from the network's chainId 5/)
    expect(field({ staticNetwork: true }, [URL], 'any')).toBe('staticNetwork')
  })

  it('error: pin() takes the id of one of its replicas', () => {
    const p = new FailoverProvider([URL], 1337)
    try {
      expect(() => p.pin({ endpoint: 'nope:1' })).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', field: 'pin.endpoint' }),
      )
      expect(() => p.pin(null as never)).toThrow(expect.objectContaining({ field: 'pin' }))
      p.pin({ endpoint: '127.0.0.1:1' }).destroy()
    } finally {
      p.destroy()
    }
  })

  it('error: messages and values never show a secret', () => {
    const e = attempt({}, [{ url: URL, tessera: 'ftp://u:hunter2@t/upcheck?token=s3cr3t' }])
    const header = attempt({ headers: { authorization: 'Bearer s3cr3t\n' } })
    for (const r of [e, header]) {
      expect(r).toBeInstanceOf(ConfigError)
      const err = r as ConfigError
      expect(err.code).toBe('INVALID_CONFIG')
      expect(`${err.message} ${String(err.value)}`).not.toMatch(/hunter2|s3cr3t/)
    }
  })

  it('behavior: valid values of every option are accepted', () => {
    const all = {
      preset: 'balanced',
      chainId: 1337n,
      probeIntervalMs: 1000,
      probeTimeoutMs: 500,
      probe: { minPeers: 0, consensus: 'qbft', requireValidator: true },
      hedge: { delayMs: 50, max: 3 },
      rebroadcastAfterMs: 1000,
      propagationGraceMs: 0,
      maxResponseBytes: 1024,
      maxSockets: 4,
      headers: { 'x-api-key': 'k' },
      polling: true,
      staticNetwork: Network.from(1337),
      batchMaxCount: 1,
      batchMaxSize: 1024,
      batchStallTime: 0,
      cacheTimeout: -1,
      pollingInterval: 250,
    }
    expect(attempt(all)).toBe('accepted')
    expect(attempt({ hedge: false, chainId: 1337, staticNetwork: false }, [URL], null)).toBe(
      'accepted',
    )
    expect(attempt({}, [{ url: URL, tessera: 'http://t:9000/upcheck', headers: {} }])).toBe(
      'accepted',
    )
    expect(attempt(null as never)).toBe('accepted')
  })
})
