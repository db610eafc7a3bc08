/**
 * For unit tests of the polling subscribers: the provider side they schedule with, run by hand.
 * Timers run when `tick()` says, 'block' listeners when `block()` says.
 */
export function manualPollerHost() {
  const timers = new Map<number, () => void>()
  const blockListeners = new Set<(...args: unknown[]) => void>()
  let next = 1
  return {
    timers,
    blockListeners,
    on: async (event: string, fn: (...args: unknown[]) => void) => {
      if (event === 'block') blockListeners.add(fn)
    },
    off: async (event: string, fn: (...args: unknown[]) => void) => {
      if (event === 'block') blockListeners.delete(fn)
    },
    _setTimeout: (fn: () => void) => {
      timers.set(next, fn)
      return next++
    },
    _clearTimeout: (id: number) => void timers.delete(id),
    /** Runs the pending timers once, then lets their polls settle. */
    async tick() {
      const due = [...timers.values()]
      timers.clear()
      for (const fn of due) fn()
      await flush()
    },
    /** Fires the 'block' listeners with block `n`, then lets their polls settle. */
    async block(n = 1) {
      for (const fn of blockListeners) fn(n)
      await flush()
    },
  }
}

/** Lets pending promise callbacks and zero-delay timers run. */
export const flush = () => new Promise((r) => setTimeout(r, 0))
