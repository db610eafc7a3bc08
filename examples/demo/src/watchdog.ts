/**
 * Keeps the demo bounded: each phase gets a time budget, and a phase that overruns it (a replica
 * that never restarts, a call stuck past every deadline) ends the process with exit code 1 and a
 * line saying which phase hung, instead of a CI job that never ends.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined
  private current = 'starting'
  private since = Date.now()

  constructor(private readonly onOverrun: (phase: string, seconds: number) => void) {}

  /** Enters `phase`, which must end within `budgetMs`. */
  enter(phase: string, budgetMs: number): void {
    this.current = phase
    this.since = Date.now()
    clearTimeout(this.timer)
    this.timer = setTimeout(
      () => this.onOverrun(this.current, Math.round((Date.now() - this.since) / 1000)),
      budgetMs,
    )
    // Unref'd: the watchdog alone never keeps the process alive.
    this.timer.unref()
  }

  get phase(): string {
    return this.current
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}
