import { byPriority, type Policy, scanFrom } from './policy.js'

/** Each call goes to the next usable endpoint in turn. The cursor survives picker rebuilds. */
export function roundRobinPolicy(): Policy {
  let cursor = -1
  return {
    name: 'roundRobin',
    build(candidates, ctx) {
      const list = [...candidates].sort(byPriority)
      const n = list.length
      // A random start spreads many clients that boot together.
      if (cursor < 0) cursor = Math.floor(ctx.random() * Math.max(n, 1))
      return {
        pick(accept) {
          if (n === 0) return undefined
          const start = cursor % n
          const i = accept ? scanFrom(list, start, accept) : start
          if (i < 0) return undefined
          cursor = i + 1 === n ? 0 : i + 1
          return list[i]
        },
        current: () => list[0],
      }
    },
  }
}
