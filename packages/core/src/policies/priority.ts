import { byPriority, type Candidate, orderedPicker, type Policy } from './policy.js'

function isBetter(a: Candidate, b: Candidate): boolean {
  return byPriority(a, b) < 0
}

/**
 * Active/backup: every call goes to the primary (lowest priority, then list order). The primary
 * is sticky: when it fails, the next one takes over; traffic fails back to a better endpoint only
 * after it has been usable for `failbackAfterMs` (no flapping).
 */
export function priorityPolicy(): Policy {
  let primary: string | undefined
  let avoid: string | undefined
  return {
    name: 'priority',
    reset(a) {
      primary = undefined
      avoid = a
    },
    build(candidates, ctx) {
      const sorted = [...candidates].sort(byPriority)
      if (ctx.tier !== 'preferred') return orderedPicker(sorted)
      const best = sorted[0]
      let chosen =
        sorted.find((c) => c.endpoint.id === primary) ??
        sorted.find((c) => c.endpoint.id !== avoid) ??
        best
      avoid = undefined
      let recheckAt: number | undefined
      if (best && chosen && best !== chosen && isBetter(best, chosen)) {
        const stableAt = (best.healthySince ?? ctx.now) + ctx.failbackAfterMs
        if (stableAt <= ctx.now) chosen = best
        else recheckAt = stableAt
      }
      primary = chosen?.endpoint.id
      const ordered = chosen ? [chosen, ...sorted.filter((c) => c !== chosen)] : sorted
      return orderedPicker(ordered, recheckAt)
    },
  }
}
