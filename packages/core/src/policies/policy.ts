import type { Endpoint } from '../types.js'

/** What a policy sees of an endpoint: the endpoint plus live load figures (read at pick time). */
export interface Candidate {
  readonly endpoint: Endpoint
  /** Calls currently running on this endpoint. */
  readonly inFlight: number
  /** Peak-EWMA latency in ms; undefined until the first sample. */
  readonly latencyMs: number | undefined
  /** Epoch ms since which the endpoint has been continuously usable; undefined if it is not. */
  readonly healthySince: number | undefined
}

/** An immutable snapshot of the choice, replaced whenever endpoint states change. */
export interface Picker {
  /** Next candidate per the policy, among those `accept` allows (all when omitted). */
  pick(accept?: (c: Candidate) => boolean): Candidate | undefined
  /** The candidate a long-lived connection should hold now (stable between rebuilds). */
  current(): Candidate | undefined
  /** Epoch ms at which the policy wants to be rebuilt (e.g. a pending failback). */
  readonly recheckAt?: number
}

/** Candidates are grouped in tiers; a lower tier is used only when the higher one has no match. */
export type Tier = 'preferred' | 'degraded' | 'panic'

export interface PolicyContext {
  tier: Tier
  now: number
  random: () => number
  /** Priority policy: how long a better endpoint must stay usable before traffic fails back. */
  failbackAfterMs: number
}

/** A balancing policy: builds immutable pickers from the usable candidates of one tier. */
export interface Policy {
  readonly name: string
  build(candidates: readonly Candidate[], ctx: PolicyContext): Picker
  /** Forget sticky choices (rebalance); `avoid` should not be chosen by the next build. */
  reset?(avoid?: string): void
}

/** Priority order: lower `priority` first, then list order. */
export function byPriority(a: Candidate, b: Candidate): number {
  return a.endpoint.priority - b.endpoint.priority || a.endpoint.index - b.endpoint.index
}

/** First accepted candidate scanning circularly from `start`; returns its position or -1. */
export function scanFrom(
  list: readonly Candidate[],
  start: number,
  accept: (c: Candidate) => boolean,
): number {
  const n = list.length
  for (let k = 0; k < n; k++) {
    const i = (start + k) % n
    if (accept(list[i]!)) return i
  }
  return -1
}

/** A picker that always walks `list` in order (priority, panic tier, degraded tier). */
export function orderedPicker(list: readonly Candidate[], recheckAt?: number): Picker {
  const first = list[0]
  const picker: Picker = {
    pick(accept) {
      if (!accept) return first
      const i = scanFrom(list, 0, accept)
      return i < 0 ? undefined : list[i]
    },
    current: () => first,
  }
  return recheckAt === undefined ? picker : { ...picker, recheckAt }
}
