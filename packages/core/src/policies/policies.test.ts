import { describe, expect, it } from 'vitest'
import { leastLatencyPolicy } from './least-latency.js'
import { p2cPolicy } from './p2c.js'
import { candidates, ctx, seeded } from './policy-test-helpers.js'
import { priorityPolicy } from './priority.js'
import { roundRobinPolicy } from './round-robin.js'
import { weightedPolicy } from './weighted.js'

function ids(picks: ({ endpoint: { id: string } } | undefined)[]): string[] {
  return picks.map((c) => c?.endpoint.id ?? '-')
}

function shares(pick: () => { endpoint: { id: string } } | undefined, n: number) {
  const count = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const id = pick()?.endpoint.id ?? '-'
    count.set(id, (count.get(id) ?? 0) + 1)
  }
  return count
}

describe('priority', () => {
  it('behavior: always picks the lowest priority, list order breaking ties', () => {
    const list = candidates(3, (i) => ({ priority: i === 2 ? -1 : 0 }))
    const p = priorityPolicy().build(list, ctx())
    expect(ids([p.pick(), p.pick(), p.current()])).toEqual(['e2', 'e2', 'e2'])
    expect(p.pick((c) => c.endpoint.id !== 'e2')?.endpoint.id).toBe('e0')
  })

  it('behavior: the primary is sticky; failback waits for failbackAfterMs of stability', () => {
    const list = candidates(2)
    const policy = priorityPolicy()
    expect(policy.build(list, ctx()).current()?.endpoint.id).toBe('e0')
    // e0 went down: e1 takes over.
    expect(policy.build([list[1]!], ctx({ now: 1000 })).current()?.endpoint.id).toBe('e1')
    // e0 is back at t=2000; until t=32000 traffic stays on e1.
    list[0]!.healthySince = 2000
    const early = policy.build(list, ctx({ now: 3000 }))
    expect(early.current()?.endpoint.id).toBe('e1')
    expect(early.recheckAt).toBe(32_000)
    expect(policy.build(list, ctx({ now: 32_000 })).current()?.endpoint.id).toBe('e0')
  })

  it('behavior: reset(avoid) moves the primary off an endpoint', () => {
    const policy = priorityPolicy()
    const list = candidates(3)
    policy.build(list, ctx())
    policy.reset?.('e0')
    expect(policy.build(list, ctx()).current()?.endpoint.id).toBe('e1')
  })
})

describe('roundRobin', () => {
  it('behavior: cycles through every endpoint in turn', () => {
    const p = roundRobinPolicy().build(candidates(3), ctx({ random: () => 0 }))
    expect(ids(Array.from({ length: 6 }, () => p.pick()))).toEqual([
      'e0',
      'e1',
      'e2',
      'e0',
      'e1',
      'e2',
    ])
  })

  it('behavior: the cursor survives a rebuild and skips rejected endpoints', () => {
    const policy = roundRobinPolicy()
    const list = candidates(4)
    const p1 = policy.build(list, ctx({ random: () => 0 }))
    p1.pick()
    const p2 = policy.build(list, ctx())
    expect(p2.pick()?.endpoint.id).toBe('e1')
    expect(p2.pick((c) => c.endpoint.id !== 'e2')?.endpoint.id).toBe('e3')
  })
})

describe('weighted', () => {
  it('behavior: smooth 5:1:1 interleaving like nginx', () => {
    const list = candidates(3, (i) => ({ weight: i === 0 ? 5 : 1 }))
    const p = weightedPolicy().build(list, ctx())
    expect(ids(Array.from({ length: 7 }, () => p.pick())).join('')).toBe('e0e0e0e1e2e0e0')
  })

  it('behavior: shares follow the weights exactly over a full cycle', () => {
    const list = candidates(4, (i) => ({ weight: i + 1 }))
    const p = weightedPolicy().build(list, ctx())
    const count = shares(() => p.pick(), 1000)
    expect([...count.entries()].sort()).toEqual([
      ['e0', 100],
      ['e1', 200],
      ['e2', 300],
      ['e3', 400],
    ])
  })

  it('behavior: a rejected endpoint keeps its turn for later', () => {
    const list = candidates(2)
    const p = weightedPolicy().build(list, ctx())
    expect(p.pick((c) => c.endpoint.id === 'e1')?.endpoint.id).toBe('e1')
    expect(p.pick()?.endpoint.id).toBe('e0')
  })
})

describe('leastLatency', () => {
  it('behavior: prefers the lowest peak-EWMA cost, weighed by in-flight calls', () => {
    const list = candidates(3)
    list[0]!.latencyMs = 50
    list[1]!.latencyMs = 10
    list[2]!.latencyMs = 30
    const p = leastLatencyPolicy().build(list, ctx())
    expect(p.pick()?.endpoint.id).toBe('e1')
    list[1]!.inFlight = 3 // cost 40 > 30
    expect(p.pick()?.endpoint.id).toBe('e2')
  })

  it('behavior: with many endpoints, a pick still finds the fastest and respects filters', () => {
    const list = candidates(100)
    list.forEach((c, i) => {
      c.latencyMs = 100 + i
    })
    list[57]!.latencyMs = 1
    const p = leastLatencyPolicy().build(list, ctx())
    expect(p.pick()?.endpoint.id).toBe('e57')
    expect(p.pick((c) => c.endpoint.index > 90)?.endpoint.id).toBe('e91')
  })
})

describe('p2c', () => {
  it('behavior: of two random endpoints, the one with fewer calls in flight wins', () => {
    const list = candidates(2)
    list[0]!.inFlight = 5
    const p = p2cPolicy().build(list, ctx())
    for (let i = 0; i < 20; i++) expect(p.pick()?.endpoint.id).toBe('e1')
  })

  it('behavior: spreads evenly when loads are equal (seeded)', () => {
    const p = p2cPolicy().build(candidates(5), ctx({ random: seeded(7) }))
    const count = shares(() => p.pick(), 10_000)
    for (const n of count.values()) expect(Math.abs(n - 2000)).toBeLessThan(250)
  })

  it('behavior: the most loaded endpoint is never picked by two choices', () => {
    const list = candidates(5)
    list[3]!.inFlight = 10
    const p = p2cPolicy().build(list, ctx({ random: seeded(3) }))
    const count = shares(() => p.pick(), 2000)
    expect(count.get('e3')).toBeUndefined()
  })
})

describe('leastLatency shortlist', () => {
  it('behavior: an endpoint that becomes fastest after the build is found without a rebuild', () => {
    const list = candidates(50)
    list.forEach((c) => {
      c.latencyMs = 100
    })
    const p = leastLatencyPolicy().build(list, ctx({ random: seeded(2) }))
    list[40]!.latencyMs = 1
    const count = shares(() => p.pick(), 400)
    expect(count.get('e40')).toBeGreaterThan(300)
  })
})
