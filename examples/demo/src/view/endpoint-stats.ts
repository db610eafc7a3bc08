import type { EndpointSet, EndpointState } from '@steadfast/core'

/** One row of the live table. */
export interface EndpointRow {
  set: string
  id: string
  /** Redacted. */
  url: string
  state: EndpointState
  /** Attempts per second over the last `windowS` seconds. */
  rate: number
  requests: number
  /** Attempts that failed on this endpoint (the SDK moved on, the app did not see them). */
  failures: number
  /** Failovers away from this endpoint. */
  failovers: number
  lastError: string | undefined
}

const downStates: readonly EndpointState[] = ['unhealthy', 'ejected', 'quarantined']

interface Counters {
  requests: number
  failures: number
  failovers: number
  /** Attempt timestamps (ms) inside the rate window. */
  recent: number[]
}

/**
 * Listens to the sets' typed events (`attempt`, `failover`) and keeps per-endpoint counters;
 * the state column comes from `status()`, never stored here.
 */
export class EndpointStats {
  private readonly counters = new Map<string, Counters>()
  private readonly disposers: (() => void)[] = []
  private failoverTotal = 0
  private downTotal = 0

  constructor(
    private readonly sets: readonly EndpointSet[],
    private readonly windowS = 5,
    private readonly now: () => number = Date.now,
  ) {
    for (const set of sets) {
      this.disposers.push(
        set.on('attempt', (e) => {
          const c = this.entry(e.set, e.endpoint)
          c.requests++
          if (e.outcome === 'failure') c.failures++
          c.recent.push(this.now())
        }),
        set.on('failover', (e) => {
          this.entry(e.set, e.from).failovers++
          this.failoverTotal++
        }),
        set.on('stateChange', (e) => {
          if (downStates.includes(e.to) && !downStates.includes(e.from)) this.downTotal++
        }),
      )
    }
  }

  /** Failovers across all sets so far: calls the SDK retried on another endpoint. */
  get failovers(): number {
    return this.failoverTotal
  }

  /** Times an endpoint was taken out of rotation (probe or outlier detection) before calls failed. */
  get downs(): number {
    return this.downTotal
  }

  rows(): EndpointRow[] {
    const cutoff = this.now() - this.windowS * 1000
    return this.sets.flatMap((set) =>
      set.status().map((s) => {
        const c = this.entry(set.name, s.id)
        while (c.recent.length > 0 && (c.recent[0] ?? 0) < cutoff) c.recent.shift()
        return {
          set: set.name,
          id: s.id,
          url: s.url,
          state: s.state,
          rate: c.recent.length / this.windowS,
          requests: c.requests,
          failures: c.failures,
          failovers: c.failovers,
          lastError: s.lastError,
        }
      }),
    )
  }

  close(): void {
    for (const d of this.disposers.splice(0)) d()
  }

  private entry(set: string, endpoint: string): Counters {
    const key = `${set}\u0000${endpoint}`
    let c = this.counters.get(key)
    if (!c) {
      c = { requests: 0, failures: 0, failovers: 0, recent: [] }
      this.counters.set(key, c)
    }
    return c
  }
}
