import type { Endpoint } from '../types.js'
import type { Candidate, PolicyContext } from './policy.js'

/** A mutable candidate for policy tests and benchmarks. */
export interface TestCandidate extends Candidate {
  inFlight: number
  latencyMs: number | undefined
  healthySince: number | undefined
}

export function candidates(
  n: number,
  f: (i: number) => Partial<Endpoint> = () => ({}),
): TestCandidate[] {
  return Array.from({ length: n }, (_, i) => ({
    endpoint: {
      id: `e${i}`,
      url: `http://e${i}.test:1`,
      redactedUrl: `http://e${i}.test:1`,
      priority: 0,
      weight: 1,
      index: i,
      labels: {},
      headers: {},
      timeoutMs: undefined,
      ...f(i),
    },
    inFlight: 0,
    latencyMs: undefined,
    healthySince: 0,
  }))
}

/** Deterministic PRNG (mulberry32) for distribution tests and benchmarks. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function ctx(over: Partial<PolicyContext> = {}): PolicyContext {
  return { tier: 'preferred', now: 0, random: seeded(1), failbackAfterMs: 30_000, ...over }
}
