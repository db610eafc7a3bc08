import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import type { EndpointState, ProbeResult, SetEvents } from '../types.js'

const urls = ['http://a.test:1', 'http://b.test:2']
const [A, B] = ['a.test:1', 'b.test:2']

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A probe whose answer per endpoint id the test sets. */
function scripted(initial: ProbeResult = { ok: true }) {
  const answers = new Map<string, ProbeResult | 'hang' | Error>()
  const probe = async (e: { id: string }): Promise<ProbeResult> => {
    const a = answers.get(e.id) ?? initial
    if (a === 'hang') return new Promise(() => {})
    if (a instanceof Error) throw a
    return a
  }
  return { answers, probe }
}

function stateOf(set: { status(): { id: string; state: EndpointState }[] }, id: string) {
  return set.status().find((s) => s.id === id)?.state
}

describe('probes', () => {
  it('behavior: the first probe decides an unknown endpoint at once', async () => {
    const { answers, probe } = scripted()
    answers.set(B, { ok: false })
    const set = createEndpointSet({ endpoints: urls, probe })
    const probes: SetEvents['probe'][] = []
    set.on('probe', (e) => probes.push(e))
    expect(stateOf(set, A)).toBe('unknown')
    expect(set.ready).toBe(true)
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(stateOf(set, A)).toBe('healthy')
    expect(stateOf(set, B)).toBe('unhealthy')
    expect(probes.map((p) => `${p.endpoint}:${p.ok}`)).toEqual([`${A}:true`, `${B}:false`])
    await set.close()
  })

  it('behavior: fall 3 makes a healthy endpoint unhealthy, rise 2 brings it back', async () => {
    const { answers, probe } = scripted()
    const set = createEndpointSet({
      endpoints: urls,
      probe,
      health: { intervalMs: 1000, jitter: 0 },
    })
    const changes: SetEvents['stateChange'][] = []
    set.on('stateChange', (e) => changes.push(e))
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    answers.set(A, new Error('ECONNREFUSED'))
    await vi.advanceTimersByTimeAsync(2000)
    expect(stateOf(set, A)).toBe('healthy')
    await vi.advanceTimersByTimeAsync(1000)
    expect(stateOf(set, A)).toBe('unhealthy')
    answers.delete(A)
    await vi.advanceTimersByTimeAsync(1000)
    expect(stateOf(set, A)).toBe('unhealthy')
    await vi.advanceTimersByTimeAsync(1000)
    expect(stateOf(set, A)).toBe('healthy')
    const forA = changes.filter((c) => c.endpoint === A).map((c) => `${c.from}>${c.to}`)
    expect(forA).toEqual(['unknown>healthy', 'healthy>unhealthy', 'unhealthy>healthy'])
    expect(changes.find((c) => c.to === 'unhealthy')?.reason).toContain('ECONNREFUSED')
    await set.close()
  })

  it('behavior: a hung probe counts as failed after health.timeoutMs', async () => {
    const { answers, probe } = scripted()
    answers.set(A, 'hang')
    const set = createEndpointSet({ endpoints: urls, probe, health: { timeoutMs: 500 } })
    set.start()
    await vi.advanceTimersByTimeAsync(499)
    expect(stateOf(set, A)).toBe('unknown')
    await vi.advanceTimersByTimeAsync(1)
    expect(stateOf(set, A)).toBe('unhealthy')
    await set.close()
  })

  it('behavior: degraded probes are used only when nothing better exists', async () => {
    const { answers, probe } = scripted()
    answers.set(A, { ok: true, degraded: true })
    const set = createEndpointSet({
      endpoints: urls,
      probe,
      health: { intervalMs: 1000, jitter: 0 },
    })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(stateOf(set, A)).toBe('degraded')
    expect(set.pick()?.id).toBe(B)
    answers.set(B, { ok: false })
    await vi.advanceTimersByTimeAsync(3000)
    expect(stateOf(set, B)).toBe('unhealthy')
    expect(set.pick()?.id).toBe(A)
    await set.close()
  })

  it('behavior: quarantine is cleared only by a clean probe', async () => {
    const { answers, probe } = scripted()
    answers.set(A, { ok: true, quarantine: true, details: 'wrong chainId 5' })
    const set = createEndpointSet({
      endpoints: urls,
      probe,
      health: { intervalMs: 1000, jitter: 0 },
    })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(stateOf(set, A)).toBe('quarantined')
    expect(set.pick()?.id).toBe(B)
    set.reportSuccess(A)
    expect(stateOf(set, A)).toBe('quarantined')
    answers.delete(A)
    await vi.advanceTimersByTimeAsync(1000)
    expect(stateOf(set, A)).toBe('healthy')
    await set.close()
  })

  it('behavior: probe heights give lag relative to the best, and fresh reads skip laggards', async () => {
    const { answers, probe } = scripted()
    answers.set(A, { ok: true, height: 100 })
    answers.set(B, { ok: true, height: 110 })
    const set = createEndpointSet({ endpoints: urls, probe, maxLag: 5 })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(set.bestHeight).toBe(110)
    expect(set.status().map((s) => s.lag)).toEqual([10, 0])
    expect(set.pick()?.id).toBe(A)
    expect(set.pick({ fresh: true })?.id).toBe(B)
    expect(set.pick({ minHeight: 105 })?.id).toBe(B)
    await set.close()
  })

  it("behavior: a dead endpoint's last height stops counting, so live replicas are not flagged", async () => {
    const { answers, probe } = scripted()
    answers.set(A, { ok: true, height: 100 })
    answers.set(B, { ok: true, height: 110 })
    const set = createEndpointSet({
      endpoints: urls,
      probe,
      maxLag: 5,
      health: { intervalMs: 1000, jitter: 0 },
    })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(set.pick({ fresh: true })?.id).toBe(B)
    answers.set(B, { ok: false })
    await vi.advanceTimersByTimeAsync(3000)
    expect(stateOf(set, B)).toBe('unhealthy')
    expect(set.bestHeight).toBe(100)
    expect(set.pick({ fresh: true })?.id).toBe(A)
    answers.set(B, { ok: true, height: 112 })
    await vi.advanceTimersByTimeAsync(2000)
    expect(stateOf(set, B)).toBe('healthy')
    expect(set.bestHeight).toBe(112)
    await set.close()
  })

  it('behavior: an idle chain (no new blocks) is not flagged as lagging', async () => {
    const { answers, probe } = scripted()
    answers.set(A, { ok: true, height: 7 })
    answers.set(B, { ok: true, height: 7 })
    const set = createEndpointSet({
      endpoints: urls,
      probe,
      maxLag: 0,
      health: { intervalMs: 1000 },
    })
    set.start()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(set.status().map((s) => s.lag)).toEqual([0, 0])
    expect(set.pick({ fresh: true })?.id).toBe(A)
    await set.close()
  })
})
