import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import type { ProbeResult, SetEvents } from '../types.js'

const urls = ['http://a.test:1', 'http://b.test:2', 'http://c.test:3']
const [A, B, C] = ['a.test:1', 'b.test:2', 'c.test:3'] as const

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

function events<K extends keyof SetEvents>(
  set: { on: (k: K, f: (e: SetEvents[K]) => void) => () => void },
  k: K,
) {
  const out: SetEvents[K][] = []
  set.on(k, (e) => out.push(e))
  return out
}

describe('operator actions', () => {
  it('behavior: cordon drains an endpoint and its TTL expiry brings it back', async () => {
    const set = createEndpointSet({ endpoints: urls, failbackAfterMs: 0 })
    const rebalances = events(set, 'rebalance')
    set.cordon(A, { ttlMs: 5000, reason: 'maintenance' })
    expect(set.status()[0]).toMatchObject({ state: 'cordoned', reason: 'maintenance' })
    expect(set.current()?.id).toBe(B)
    expect(rebalances.at(-1)).toEqual({ set: 'default', reason: 'maintenance', from: A, to: B })
    await vi.advanceTimersByTimeAsync(4999)
    expect(set.status()[0]!.state).toBe('cordoned')
    await vi.advanceTimersByTimeAsync(1)
    expect(set.status()[0]).toMatchObject({ state: 'unknown', reason: 'cordon TTL expired' })
    expect(set.current()?.id).toBe(A)
    await set.close()
  })

  it('behavior: uncordon before the TTL cancels the expiry timer', async () => {
    const set = createEndpointSet({ endpoints: urls })
    const changes = events(set, 'stateChange')
    set.cordon(A, { ttlMs: 1000 })
    set.uncordon(A, { reason: 'done early' })
    set.cordon(A)
    await vi.advanceTimersByTimeAsync(2000)
    expect(set.status()[0]!.state).toBe('cordoned')
    expect(changes.map((c) => c.reason)).toEqual(['cordoned', 'done early', 'cordoned'])
    await set.close()
  })

  it('behavior: prefer routes to an endpoint until its TTL ends', async () => {
    const set = createEndpointSet({ endpoints: urls })
    const rebalances = events(set, 'rebalance')
    set.prefer(C, { ttlMs: 1000, reason: 'closest' })
    expect(set.pick()?.id).toBe(C)
    expect(set.current()?.id).toBe(C)
    await vi.advanceTimersByTimeAsync(1000)
    expect(set.current()?.id).toBe(A)
    expect(rebalances.map((r) => `${r.reason}:${r.from}>${r.to}`)).toEqual([
      `closest:${A}>${C}`,
      `preference expired:${C}>${A}`,
    ])
    await set.close()
  })

  it('behavior: rebalance from the primary moves holders off it until failbackAfterMs passes', async () => {
    const set = createEndpointSet({ endpoints: urls, failbackAfterMs: 10_000 })
    const rebalances = events(set, 'rebalance')
    expect(set.current()?.id).toBe(A)
    set.rebalance({ reason: 'monitor: lagging', from: A })
    expect(rebalances.at(-1)).toEqual({
      set: 'default',
      reason: 'monitor: lagging',
      from: A,
      to: B,
    })
    expect(set.current()?.id).toBe(B)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(set.current()?.id).toBe(A)
    expect(rebalances.at(-1)).toMatchObject({ reason: 'failback', from: B, to: A })
    await set.close()
  })

  it('behavior: priority fails over on health and fails back only after the primary is stable', async () => {
    const answers = new Map<string, ProbeResult>()
    const probe = async (e: { id: string }) => answers.get(e.id) ?? { ok: true }
    const set = createEndpointSet({
      endpoints: urls,
      probe,
      failbackAfterMs: 5000,
      health: { intervalMs: 1000, jitter: 0, fall: 1, rise: 1 },
    })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(set.current()?.id).toBe(A)
    answers.set(A, { ok: false })
    await vi.advanceTimersByTimeAsync(1000)
    expect(set.current()?.id).toBe(B)
    answers.delete(A)
    await vi.advanceTimersByTimeAsync(1000)
    expect(set.status()[0]!.state).toBe('healthy')
    expect(set.current()?.id).toBe(B)
    await vi.advanceTimersByTimeAsync(4999)
    expect(set.current()?.id).toBe(B)
    await vi.advanceTimersByTimeAsync(1)
    expect(set.current()?.id).toBe(A)
    await set.close()
  })

  it('behavior: quarantine removes an endpoint from service with the reason', () => {
    const set = createEndpointSet({ endpoints: urls })
    set.quarantine(A, 'wrong chainId')
    expect(set.status()[0]).toMatchObject({ state: 'quarantined', reason: 'wrong chainId' })
    expect(set.pick()?.id).toBe(B)
    void set.close()
  })

  it('error: actions on an unknown id throw a ConfigError', () => {
    const set = createEndpointSet({ endpoints: urls })
    expect(() => set.cordon('nope')).toThrow(/not an endpoint/)
    void set.close()
  })

  it('behavior: event disposers unsubscribe', () => {
    const set = createEndpointSet({ endpoints: urls })
    const seen: string[] = []
    const off = set.on('stateChange', (e) => seen.push(e.to))
    set.cordon(A)
    off()
    set.uncordon(A)
    expect(seen).toEqual(['cordoned'])
    void set.close()
  })
})
