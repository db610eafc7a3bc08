import { byPriority, type Candidate, type Picker, type Policy } from './policy.js'

/** How many of the fastest endpoints are compared live at each pick. */
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

/** Index of the most expensive entry of the shortlist. */
function worstOf(shortlist: readonly Candidate[]): number {
  let worst = 0
  for (let i = 1; i < shortlist.length; i++) {
    if (peakEwmaCost(shortlist[i]!) > peakEwmaCost(shortlist[worst]!)) worst = i
  }
  return worst
}

/**
 * Least latency on peak-EWMA (Finagle style): latency reacts at once to a slow sample and decays
 * slowly, times in-flight calls + 1. The picker compares a shortlist of the TOP fastest plus two
 * random others; a random one that beats the worst of the shortlist takes its place, so the
 * shortlist follows latency changes without rebuilds and one pick stays O(1).
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
      const sample = (accept?: (c: Candidate) => boolean): Candidate | undefined => {
        let found: Candidate | undefined
        for (let k = 0; k < 2; k++) {
          const c = list[TOP + Math.floor(random() * (n - TOP))]!
          const w = worstOf(shortlist)
          if (!shortlist.includes(c) && peakEwmaCost(c) < peakEwmaCost(shortlist[w]!)) {
            shortlist[w] = c
          }
          if ((!accept || accept(c)) && (!found || peakEwmaCost(c) < peakEwmaCost(found))) found = c
        }
        return found
      }
      return {
        pick(accept) {
          if (n === 0) return undefined
          const best = cheapest(shortlist, accept)
          if (n <= TOP) return best
          const other = sample(accept)
          // Filters rejected every fast one: an exact scan (failover path, not the hot path).
          if (!best) return accept ? cheapest(list, accept) : other
          return other && peakEwmaCost(other) < peakEwmaCost(best) ? other : best
        },
        current: () => shortlist[0],
      }
    },
  }
}
