import type { ResolvedOptions } from '../config/resolve-options.js'
import type { Member } from './member.js'

type OutlierOptions = ResolvedOptions['outlier']

/** Records one passive outcome in the member's error-rate window (which restarts every windowMs). */
export function recordOutcome(m: Member, failed: boolean, now: number, o: OutlierOptions): void {
  if (now - m.windowStart >= o.windowMs) {
    m.windowStart = now
    m.windowCalls = 0
    m.windowFailures = 0
  }
  m.windowCalls++
  if (failed) {
    m.windowFailures++
    m.consecutiveFailures++
  } else {
    m.consecutiveFailures = 0
  }
}

/** Why the member should be ejected now, or undefined. */
export function ejectionReason(m: Member, o: OutlierOptions): string | undefined {
  if (m.consecutiveFailures >= o.consecutiveFailures) {
    return `${m.consecutiveFailures} consecutive failures`
  }
  if (m.windowCalls >= o.minRequests && m.windowFailures / m.windowCalls >= o.failureRate) {
    return `error rate ${Math.round((100 * m.windowFailures) / m.windowCalls)}% over ${m.windowCalls} calls`
  }
  return undefined
}

/** Never eject more than maxEjectionPercent of the set (at least one when the set has two+). */
export function ejectionAllowed(ejected: number, total: number, o: OutlierOptions): boolean {
  const cap = Math.floor((total * o.maxEjectionPercent) / 100)
  const limit = total >= 2 && o.maxEjectionPercent > 0 ? Math.max(1, cap) : cap
  return ejected < limit
}

/**
 * Ejection time grows with each ejection (base × n, capped at max) and the count is forgiven
 * once the endpoint has stayed in service for maxEjectionMs.
 */
export function ejectionDuration(m: Member, now: number, o: OutlierOptions): number {
  if (m.ejections > 0 && now - m.lastEjectionEnd >= o.maxEjectionMs) m.ejections = 0
  m.ejections++
  return Math.min(o.baseEjectionMs * m.ejections, o.maxEjectionMs)
}
