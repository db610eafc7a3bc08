import { byPriority, type Candidate, type Picker, type Policy } from './policy.js'

/** How many of the fastest endpoints (as of the last rebuild) are compared live at each pick. */
const TOP = 8

/** Peak-EWMA cost: latency scaled by the queue we would join. Unmeasured endpoints cost 0 (explored). */
export function peakEwmaCost(c: Candidate): number {
  return (c.latencyMs ?? 0) * (c.inFlight + 1)
}

function cheapest(list: readonly Candidate[], accept?: (c: Candidate) => boolean) {
  let best: Candidate | undefined
  let bestCost = Number.POSITIVE_INFINITY
  for (const c of list) {
    if (accept && !accept(c)) continue
    const cost = peakEwmaCost(c)
    if (cost < bestCost) {
      best = c
      bestCost = cost
    }
  }
  return best
}

/**
 * Least latency on peak-EWMA (Finagle style): latency reacts at once to a slow sample and decays
 * slowly, times in-flight calls + 1. The picker compares the TOP fastest (sorted at rebuild) plus
 * two random others, so one pick stays O(1) and a recovered endpoint is still discovered.
 */
export function leastLatencyPolicy(): Policy {
  return {
    name: 'leastLatency',
    build(candidates, ctx): Picker {
      const list = [...candidates].sort(
        (a, b) => (a.latencyMs ?? 0) - (b.latencyMs ?? 0) || byPriority(a, b),
      )
      const n = list.length
      const shortlist = list.slice(0, TOP)
      const random = ctx.random
      return {
        pick(accept) {
          if (n === 0) return undefined
          let best = cheapest(shortlist, accept)
          // Filters rejected every fast one: an exact scan (failover path, not the hot path).
          if (!best) return n > TOP && accept ? cheapest(list, accept) : undefined
          for (let k = 0; n > TOP && k < 2; k++) {
            const c = list[TOP + Math.floor(random() * (n - TOP))]!
            if ((!accept || accept(c)) && peakEwmaCost(c) < peakEwmaCost(best)) best = c
          }
          return best
        },
        current: () => list[0],
      }
    },
  }
}
