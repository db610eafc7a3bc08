import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import type { PolicyName } from './create-policy.js'
import { candidates, ctx, seeded } from './policy-test-helpers.js'
import { roundRobinPolicy } from './round-robin.js'
import { weightedPolicy } from './weighted.js'

const POLICIES: PolicyName[] = ['priority', 'roundRobin', 'weighted', 'leastLatency', 'p2c']
const BAD = new Set(['ejected', 'cordoned', 'quarantined'])

const action = fc.record({
  kind: fc.constantFrom('cordon', 'quarantine', 'eject', 'uncordon'),
  target: fc.nat(),
})

describe('policy properties', () => {
  it('property: never picks an ejected, cordoned or quarantined endpoint while a healthy one exists', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POLICIES),
        fc.integer({ min: 1, max: 12 }),
        fc.array(action, { maxLength: 20 }),
        fc.integer(),
        (policy, n, actions, seed) => {
          const set = createEndpointSet({
            endpoints: Array.from({ length: n }, (_, i) => ({
              url: `http://e${i}.test:1`,
              weight: 1 + (i % 3),
            })),
            policy,
            random: seeded(seed),
            outlier: { consecutiveFailures: 1, maxEjectionPercent: 100 },
          })
          const ids = set.endpoints.map((e) => e.id)
          for (const a of actions) {
            const id = ids[a.target % n]!
            if (a.kind === 'cordon') set.cordon(id)
            else if (a.kind === 'uncordon') set.uncordon(id)
            else if (a.kind === 'quarantine') set.quarantine(id, 'test')
            else set.reportFailure(id, new Error('boom'))
          }
          const state = new Map(set.status().map((s) => [s.id, s.state]))
          const anyGood = [...state.values()].some((s) => !BAD.has(s))
          for (let i = 0; i < 3 * n; i++) {
            const picked = set.pick()
            if (anyGood) expect(BAD.has(state.get(picked!.id)!)).toBe(false)
            if (picked) expect(['cordoned', 'quarantined']).not.toContain(state.get(picked.id))
          }
          void set.close()
        },
      ),
      { numRuns: 400, seed: 11 },
    )
  })

  it('property: round robin gives every endpoint the same share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 5 }), (n, rounds) => {
        const p = roundRobinPolicy().build(candidates(n), ctx({ random: seeded(n) }))
        const count = new Map<string, number>()
        for (let i = 0; i < n * rounds; i++) {
          const id = p.pick()!.endpoint.id
          count.set(id, (count.get(id) ?? 0) + 1)
        }
        expect([...count.values()].every((c) => c === rounds)).toBe(true)
        expect(count.size).toBe(n)
      }),
      { seed: 5 },
    )
  })

  it('property: weighted shares stay within one pick per cycle of weight/total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        (weights, cycles) => {
          const list = candidates(weights.length, (i) => ({ weight: weights[i]! }))
          const p = weightedPolicy().build(list, ctx())
          const total = weights.reduce((a, b) => a + b, 0)
          const count = new Map<string, number>()
          for (let i = 0; i < total * cycles; i++) {
            const id = p.pick()!.endpoint.id
            count.set(id, (count.get(id) ?? 0) + 1)
          }
          weights.forEach((w, i) => {
            expect(Math.abs((count.get(`e${i}`) ?? 0) - w * cycles)).toBeLessThanOrEqual(1)
          })
        },
      ),
      { seed: 9 },
    )
  })
})
