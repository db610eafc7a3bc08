import { byPriority, type Candidate, type Picker, type Policy } from './policy.js'

function lighter(a: Candidate, b: Candidate): Candidate {
  if (a.inFlight !== b.inFlight) return a.inFlight < b.inFlight ? a : b
  return (a.latencyMs ?? 0) <= (b.latencyMs ?? 0) ? a : b
}

/**
 * Power of two choices: sample two endpoints at random and take the one with fewer calls in
 * flight (ties: lower latency). Near-optimal load spread at O(1) per pick.
 */
export function p2cPolicy(): Policy {
  return {
    name: 'p2c',
    build(candidates, ctx): Picker {
      const list = [...candidates].sort(byPriority)
      const n = list.length
      const random = ctx.random
      const draw = () => list[Math.floor(random() * n)]!
      return {
        pick(accept) {
          if (n <= 1) return n === 1 && (!accept || accept(list[0]!)) ? list[0] : undefined
          if (!accept) {
            const a = Math.floor(random() * n)
            let b = Math.floor(random() * (n - 1))
            if (b >= a) b++
            return lighter(list[a]!, list[b]!)
          }
          let found: Candidate | undefined
          for (let k = 0; k < 8; k++) {
            const c = draw()
            if (accept(c)) found = found ? lighter(found, c) : c
            if (found && k >= 1) return found
          }
          return (
            found ??
            list
              .filter(accept)
              .reduce<Candidate | undefined>((acc, c) => (acc ? lighter(acc, c) : c), undefined)
          )
        },
        current: () => list[0],
      }
    },
  }
}
