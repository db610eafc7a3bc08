import type { ResolvedOptions } from '../config/resolve-options.js'
import { errorMessage } from '../errors/steadfast-error.js'
import { redactText } from '../redact/redact-text.js'
import type { Pool } from '../state/pool.js'
import { isUsable } from '../state/transition.js'
import type { Member } from './member.js'
import { ejectionAllowed, ejectionDuration, ejectionReason, recordOutcome } from './outlier.js'

/**
 * Passive health from real calls (and streams via reportSuccess/reportFailure): consecutive
 * failures and error-rate outlier ejection with growing ejection time, capped by
 * maxEjectionPercent. A success on an endpoint never probed makes it healthy.
 */
export class PassiveHealth {
  constructor(
    private readonly pool: Pool,
    private readonly opts: ResolvedOptions,
  ) {}

  success(m: Member, info: { latencyMs?: number; height?: number } = {}): void {
    const now = this.opts.now()
    recordOutcome(m, false, now, this.opts.outlier)
    if (info.latencyMs !== undefined) m.observeLatency(info.latencyMs, now)
    if (info.height !== undefined && Number.isFinite(info.height))
      this.pool.noteHeight(m, info.height)
    if (m.verdict === 'unknown') {
      m.verdict = 'healthy'
      this.pool.update(m, 'call succeeded')
    }
  }

  failure(m: Member, error: unknown): void {
    const now = this.opts.now()
    recordOutcome(m, true, now, this.opts.outlier)
    m.lastError = redactText(errorMessage(error), [m.endpoint.url])
    if (m.ejected || !isUsable(m.state)) return
    const reason = ejectionReason(m, this.opts.outlier)
    if (!reason) return
    const ejected = this.pool.list.reduce((n, x) => n + (x.state === 'ejected' ? 1 : 0), 0)
    if (!ejectionAllowed(ejected, this.pool.list.length, this.opts.outlier)) return
    this.eject(m, reason, now)
  }

  private eject(m: Member, reason: string, now: number): void {
    const ms = ejectionDuration(m, now, this.opts.outlier)
    m.ejected = true
    this.pool.update(m, `ejected for ${ms} ms: ${reason}`)
    m.timers.after(ms, () => {
      m.ejected = false
      m.lastEjectionEnd = this.opts.now()
      m.consecutiveFailures = 0
      m.windowCalls = 0
      m.windowFailures = 0
      this.pool.update(m, 'ejection expired')
    })
  }
}
