export type Timer = ReturnType<typeof setTimeout>

/** setTimeout that never keeps the process alive. */
export function unrefTimeout(fn: () => void, ms: number): Timer {
  const t = setTimeout(fn, ms)
  t.unref?.()
  return t
}

/** Unref'd timers tracked together, so one `clear()` (close, end of a call) cancels them all. */
export class TimerSet {
  private readonly timers = new Set<Timer>()

  after(ms: number, fn: () => void): Timer {
    const t = unrefTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
    return t
  }

  cancel(t: Timer | undefined): void {
    if (t === undefined) return
    clearTimeout(t)
    this.timers.delete(t)
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
