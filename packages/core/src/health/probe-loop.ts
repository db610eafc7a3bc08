import type { ResolvedOptions } from '../config/resolve-options.js'
import { SteadfastError } from '../errors/steadfast-error.js'
import { unrefTimeout } from '../timers/timer-set.js'
import type { Probe, ProbeResult } from '../types.js'
import type { Member } from './member.js'

/** Outcome of one probe: the result, or the error it threw / its timeout. */
export type ProbeOutcome =
  | { result: ProbeResult; latencyMs: number }
  | { error: unknown; latencyMs: number }

/**
 * Runs the adapter's probe for every member: at once on start (so the first verdict comes fast),
 * then every intervalMs ± jitter, each bounded by health.timeoutMs. All timers are unref'd and
 * `stop()` aborts probes in flight.
 */
export class ProbeLoop {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly running = new Set<AbortController>()
  private stopped = false

  constructor(
    private readonly probe: Probe,
    private readonly opts: ResolvedOptions,
    private readonly onOutcome: (m: Member, o: ProbeOutcome) => void,
    private readonly isMember: (m: Member) => boolean,
  ) {}

  start(m: Member): void {
    this.schedule(m, 0)
  }

  forget(id: string): void {
    const t = this.timers.get(id)
    if (t) clearTimeout(t)
    this.timers.delete(id)
  }

  stop(): void {
    this.stopped = true
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    for (const ac of this.running) ac.abort(new SteadfastError('CLOSED', 'Endpoint set closed'))
    this.running.clear()
  }

  private schedule(m: Member, delay: number): void {
    if (this.stopped || !this.isMember(m)) return
    const t = unrefTimeout(() => {
      this.timers.delete(m.endpoint.id)
      void this.runOnce(m)
    }, delay)
    this.timers.set(m.endpoint.id, t)
  }

  private nextDelay(): number {
    const { intervalMs, jitter } = this.opts.health
    return Math.max(0, intervalMs * (1 + jitter * (2 * this.opts.random() - 1)))
  }

  private async runOnce(m: Member): Promise<void> {
    await this.probeOnce(m).catch(() => {})
  }

  private async probeOnce(m: Member): Promise<void> {
    const ac = new AbortController()
    this.running.add(ac)
    const { timeoutMs } = this.opts.health
    const timer = unrefTimeout(
      () => ac.abort(new SteadfastError('PROBE_TIMEOUT', `Probe timed out after ${timeoutMs} ms`)),
      timeoutMs,
    )
    const started = this.opts.now()
    let outcome: ProbeOutcome
    try {
      const aborted = new Promise<never>((_, reject) => {
        ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true })
      })
      const result = await Promise.race([this.probe(m.endpoint, ac.signal), aborted])
      outcome = { result, latencyMs: this.opts.now() - started }
    } catch (error) {
      outcome = { error, latencyMs: this.opts.now() - started }
    } finally {
      clearTimeout(timer)
      this.running.delete(ac)
    }
    if (this.stopped || !this.isMember(m)) return
    try {
      this.onOutcome(m, outcome)
    } finally {
      // Even if applying the outcome failed, keep probing (never an unhandled rejection).
      this.schedule(m, this.nextDelay())
    }
  }
}
