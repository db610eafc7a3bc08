import fc from 'fast-check'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import type { ProbeResult, SetEvents } from '../types.js'
import { canTransition, isUsable } from './transition.js'

// Records every move the set attempts, so a rejected one (thrown inside a probe callback)
// cannot go unnoticed.
const attempted = vi.hoisted(() => [] as [string, string][])
vi.mock(import('./transition.js'), async (importOriginal) => {
  const real = await importOriginal()
  return {
    ...real,
    transition: (from: never, to: never) => {
      attempted.push([from, to])
      return real.transition(from, to)
    },
  }
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const step = fc.record({
  kind: fc.constantFrom(
    'probeOk',
    'probeFail',
    'probeDegraded',
    'probeQuarantine',
    'callFail',
    'callOk',
    'cordon',
    'cordonTtl',
    'uncordon',
    'quarantine',
    'wait',
  ),
  target: fc.nat(2),
})

let checked = 0

it('property: any mix of probes, calls and operator actions only makes allowed transitions', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
      const answers: ProbeResult[] = [{ ok: true }, { ok: true }, { ok: true }]
      const set = createEndpointSet({
        endpoints: ['http://a.test:1', 'http://b.test:2', 'http://c.test:3'],
        probe: async (e) => answers[e.index]!,
        health: { intervalMs: 1000, jitter: 0, rise: 2, fall: 2 },
        outlier: { consecutiveFailures: 2, baseEjectionMs: 3000, maxEjectionPercent: 100 },
      })
      const changes: SetEvents['stateChange'][] = []
      set.on('stateChange', (c) => changes.push(c))
      set.start()
      const ids = set.endpoints.map((e) => e.id)
      for (const s of steps) {
        const id = ids[s.target]!
        const probe: Record<string, ProbeResult> = {
          probeOk: { ok: true },
          probeFail: { ok: false },
          probeDegraded: { ok: true, degraded: true },
          probeQuarantine: { ok: true, quarantine: true },
        }
        if (probe[s.kind]) answers[s.target] = probe[s.kind]!
        else if (s.kind === 'callFail') set.reportFailure(id, new Error('x'))
        else if (s.kind === 'callOk') set.reportSuccess(id)
        else if (s.kind === 'cordon') set.cordon(id)
        else if (s.kind === 'cordonTtl') set.cordon(id, { ttlMs: 1500 })
        else if (s.kind === 'uncordon') set.uncordon(id)
        else if (s.kind === 'quarantine') set.quarantine(id, 'operator')
        await vi.advanceTimersByTimeAsync(s.kind === 'wait' ? 5000 : 1000)
        const states = set.status().map((x) => x.state)
        expect(set.ready).toBe(states.some(isUsable))
      }
      for (const c of changes) {
        expect(canTransition(c.from, c.to), `${c.from} -> ${c.to}`).toBe(true)
      }
      const moves = attempted.splice(0)
      checked += moves.length
      for (const [from, to] of moves) {
        expect(canTransition(from as never, to as never), `${from} -> ${to}`).toBe(true)
      }
      await set.close()
    }),
    { numRuns: 150, seed: 3 },
  )
  expect(checked).toBeGreaterThan(100)
})
