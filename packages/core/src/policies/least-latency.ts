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

/**
 * A shortlist of the fastest endpoints, compared live at each pick, plus one random other from
 * the whole list: when the random one beats the worst of the shortlist it takes its place, so
 * the shortlist follows latency changes without rebuilds and a pick stays O(1).
 */
function shortlistPicker(list: readonly Candidate[], random: () => number): Picker {
  const n = list.length
  const shortlist = list.slice(0, TOP)
  const inShortlist = new Set(shortlist)
  return {
    pick(accept) {
      let best: Candidate | undefined
      let bestCost = Number.POSITIVE_INFINITY
      let worst = 0
      let worstCost = Number.NEGATIVE_INFINITY
      for (let i = 0; i < shortlist.length; i++) {
        const c = shortlist[i]!
        const cost = peakEwmaCost(c)
        if (cost > worstCost) {
          worst = i
          worstCost = cost
        }
        if (cost < bestCost && (!accept || accept(c))) {
          best = c
          bestCost = cost
        }
      }
      const other = list[Math.floor(random() * n)]!
      const otherCost = peakEwmaCost(other)
      if (!inShortlist.has(other) && otherCost < worstCost) {
        inShortlist.delete(shortlist[worst]!)
        shortlist[worst] = other
        inShortlist.add(other)
      }
      if (otherCost < bestCost && (!accept || accept(other))) best = other
      // Filters rejected every fast one: an exact scan (failover path, not the hot path).
      return best ?? (accept ? cheapest(list, accept) : undefined)
    },
    current: () => shortlist[0],
  }
}

/**
 * Least latency on peak-EWMA (Finagle style): latency reacts at once to a slow sample and decays
 * slowly, times in-flight calls + 1 (see `shortlistPicker` for how a pick stays O(1)).
 */
export function leastLatencyPolicy(): Policy {
  return {
    name: 'leastLatency',
    build(candidates, ctx): Picker {
      const list = [...candidates].sort(
        (a, b) => (a.latencyMs ?? 0) - (b.latencyMs ?? 0) || byPriority(a, b),
      )
      if (list.length > TOP) return shortlistPicker(list, ctx.random)
      return { pick: (accept) => cheapest(list, accept), current: () => list[0] }
    },
  }
}
