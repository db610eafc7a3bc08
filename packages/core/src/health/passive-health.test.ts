import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'

const urls = ['http://a.test:1', 'http://b.test:2', 'http://c.test:3', 'http://d.test:4']
const [A, B, C, D] = ['a.test:1', 'b.test:2', 'c.test:3', 'd.test:4'] as const

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

function states(set: { status(): { state: string }[] }) {
  return set.status().map((s) => s.state)
}

describe('passive health', () => {
  it('behavior: consecutive failures eject; the ejection ends after baseEjectionMs', async () => {
    const set = createEndpointSet({
      endpoints: urls,
      outlier: { consecutiveFailures: 3, baseEjectionMs: 1000 },
    })
    for (let i = 0; i < 2; i++) set.reportFailure(A, new Error('reset'))
    set.reportSuccess(A)
    for (let i = 0; i < 2; i++) set.reportFailure(A, new Error('reset'))
    expect(states(set)[0]).toBe('healthy')
    set.reportFailure(A, new Error('reset'))
    expect(states(set)[0]).toBe('ejected')
    expect(set.pick()?.id).toBe(B)
    await vi.advanceTimersByTimeAsync(1000)
    expect(states(set)[0]).toBe('healthy')
    await set.close()
  })

  it('behavior: each new ejection lasts longer (base × n), capped at maxEjectionMs', async () => {
    const set = createEndpointSet({
      endpoints: urls,
      outlier: { consecutiveFailures: 1, baseEjectionMs: 1000, maxEjectionMs: 2500 },
    })
    const reasons: string[] = []
    set.on('stateChange', (e) => {
      if (e.to === 'ejected') reasons.push(e.reason)
    })
    for (let round = 0; round < 3; round++) {
      set.reportFailure(A, new Error('x'))
      await vi.advanceTimersByTimeAsync(3000)
    }
    expect(reasons.map((r) => r.split(':')[0])).toEqual([
      'ejected for 1000 ms',
      'ejected for 2000 ms',
      'ejected for 2500 ms',
    ])
    await set.close()
  })

  it('behavior: an error rate above failureRate ejects even without a failure streak', () => {
    const set = createEndpointSet({
      endpoints: urls,
      outlier: { consecutiveFailures: 100, failureRate: 0.5, minRequests: 10 },
    })
    for (let i = 0; i < 5; i++) {
      set.reportFailure(A, new Error('500'))
      set.reportSuccess(A)
    }
    expect(states(set)[0]).toBe('healthy')
    set.reportFailure(A, new Error('500'))
    expect(states(set)[0]).toBe('ejected')
    expect(set.status()[0]!.reason).toContain('error rate')
    void set.close()
  })

  it('behavior: never ejects more than maxEjectionPercent of the set', () => {
    const set = createEndpointSet({
      endpoints: urls,
      outlier: { consecutiveFailures: 1, maxEjectionPercent: 50 },
    })
    for (const id of [A, B, C, D]) set.reportFailure(id, new Error('x'))
    expect(states(set)).toEqual(['ejected', 'ejected', 'unknown', 'unknown'])
    void set.close()
  })

  it('behavior: panic mode still serves from the least-bad endpoint when all are down', async () => {
    const probe = async () => ({ ok: false })
    const set = createEndpointSet({
      endpoints: urls.slice(0, 3),
      probe,
      outlier: { consecutiveFailures: 1, maxEjectionPercent: 100 },
    })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(states(set)).toEqual(['unhealthy', 'unhealthy', 'unhealthy'])
    expect(set.ready).toBe(false)
    expect(set.pick()?.id).toBe(A)
    await expect(set.execute(async (e) => e.id)).resolves.toBe(A)
    await set.close()
  })

  it('behavior: a success on a never-probed endpoint marks it healthy; failures record a redacted lastError', () => {
    const set = createEndpointSet({ endpoints: ['https://u:pw123456@a.test/?token=zz99'] })
    expect(states(set)).toEqual(['unknown'])
    set.reportFailure(
      set.endpoints[0]!.id,
      new Error('failed https://u:pw123456@a.test/?token=zz99'),
    )
    expect(set.status()[0]!.lastError).toBe('failed https://***@a.test/?token=***')
    set.reportSuccess(set.endpoints[0]!.id, { latencyMs: 12, height: 5 })
    expect(set.status()[0]).toMatchObject({ state: 'healthy', latencyMs: 12, height: 5 })
    void set.close()
  })
})

describe('panic mode scope', () => {
  it('behavior: a filter that rejects the usable endpoints does not fall back to unhealthy ones', async () => {
    vi.useFakeTimers()
    const heights: Record<string, number> = { [A]: 10, [B]: 20 }
    const set = createEndpointSet({
      endpoints: urls.slice(0, 2),
      probe: async (e) =>
        e.id === A ? { ok: true, height: heights[A] } : { ok: false, height: heights[B] },
    })
    set.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(states(set)).toEqual(['healthy', 'unhealthy'])
    expect(set.pick({ minHeight: 15 })).toBeUndefined()
    expect(set.pick()?.id).toBe(A)
    await set.close()
  })
})
