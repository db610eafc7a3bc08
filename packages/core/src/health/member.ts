import type { Candidate } from '../policies/policy.js'
import type { Verdict } from '../state/transition.js'
import { type Timer, TimerSet } from '../timers/timer-set.js'
import type { Endpoint, EndpointState } from '../types.js'

/** Decay constant of the peak-EWMA latency, in ms. */
const TAU_MS = 10_000

/** Live health record of one endpoint (internal, mutable). Policies read it as a Candidate. */
export class Member implements Candidate {
  readonly endpoint: Endpoint
  state: EndpointState = 'unknown'
  since: number
  reason: string | undefined = undefined
  verdict: Verdict = 'unknown'
  cordoned = false
  quarantined = false
  ejected = false
  /** Consecutive probe results of the same sign (rise/fall). */
  probeOk = 0
  probeFail = 0
  /** Passive: consecutive failed calls, and the error-rate window. */
  consecutiveFailures = 0
  windowStart = 0
  windowCalls = 0
  windowFailures = 0
  ejections = 0
  lastEjectionEnd = 0
  inFlight = 0
  latencyMs: number | undefined = undefined
  private latencyAt = 0
  height: number | undefined = undefined
  lastError: string | undefined = undefined
  healthySince: number | undefined
  cordonTimer: Timer | undefined = undefined
  /** Timers owned by this member (cordon TTL, ejection end); cleared on close/removal. */
  readonly timers = new TimerSet()

  constructor(endpoint: Endpoint, now: number) {
    this.endpoint = endpoint
    this.since = now
    // Optimistic: an unknown endpoint counts as stable from the start (fast startup).
    this.healthySince = now
  }

  /** Peak-EWMA: a slower sample is taken at once, faster samples decay in with time constant TAU. */
  observeLatency(sample: number, now: number): void {
    if (!Number.isFinite(sample) || sample < 0) return
    const prev = this.latencyMs
    if (prev === undefined || sample > prev) {
      this.latencyMs = sample
    } else {
      const w = Math.exp(-Math.max(now - this.latencyAt, 0) / TAU_MS)
      this.latencyMs = prev * w + sample * (1 - w)
    }
    this.latencyAt = now
  }
}
