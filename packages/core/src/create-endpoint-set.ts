import { resolveOptions } from './config/resolve-options.js'
import type { Discovery } from './discovery/discovery.js'
import { SetImpl } from './endpoint-set.js'
import type { PolicyName } from './policies/create-policy.js'
import type { Policy } from './policies/policy.js'
import type {
  AttemptContext,
  Endpoint,
  EndpointInput,
  EndpointStatus,
  ExecuteOptions,
  Probe,
  SetEvents,
  ShouldFailover,
} from './types.js'

export interface EndpointSetOptions {
  /** Name used in events, errors and metric labels. Default 'default'. */
  name?: string
  /** The members. Must not be empty (unless `discovery` supplies them). */
  endpoints: readonly EndpointInput[]
  /** Balancing policy. Default 'priority'. */
  policy?: PolicyName | Policy
  /** Active health check supplied by the protocol adapter. Default: none (passive health only). */
  probe?: Probe
  health?: {
    /** Probe period in ms. Default 5000. */
    intervalMs?: number
    /** Probe timeout in ms. Default 2000. */
    timeoutMs?: number
    /** Random spread of the period, 0..1 (0.1 = ±10%). Default 0.1. */
    jitter?: number
    /** Consecutive good probes to become healthy again. Default 2. */
    rise?: number
    /** Consecutive bad probes to become unhealthy. Default 3. */
    fall?: number
  }
  outlier?: {
    /** Consecutive failed calls that eject an endpoint. Default 5. */
    consecutiveFailures?: number
    /** First ejection time in ms; the n-th ejection lasts n × base. Default 30000. */
    baseEjectionMs?: number
    /** Longest ejection in ms. Default 300000. */
    maxEjectionMs?: number
    /** Never eject more than this % of the set (at least one of two+). Default 50. */
    maxEjectionPercent?: number
    /** Error rate (0..1] over the window that ejects. Default 0.5. */
    failureRate?: number
    /** Calls in the window before the error rate counts. Default 20. */
    minRequests?: number
    /** Error-rate window in ms. Default 10000. */
    windowMs?: number
  }
  /** Blocks behind the best height before an endpoint is skipped for `fresh` reads. Default 5. */
  maxLag?: number
  /** Priority policy: ms a better endpoint must stay usable before traffic fails back. Default 30000. */
  failbackAfterMs?: number
  /** Classifies a failed attempt. Default: everything 'retryable'. */
  shouldFailover?: ShouldFailover
  /** Per-attempt timeout in ms. Default 10000. */
  attemptTimeoutMs?: number
  /** Overall deadline of one execute() in ms. Default 30000. */
  deadlineMs?: number
  /** Attempts per execute(). Default: two rounds over the set, at most 10. */
  maxAttempts?: number
  /** Hedging of idempotent calls: delay (ms or 'adaptive' = recent p90, default) and max parallel attempts (default 2). */
  hedge?: { delayMs?: number | 'adaptive'; max?: number }
  /** Full-jitter exponential pause between rounds: base (default 100 ms) and cap (default 2000 ms). */
  backoff?: { baseMs?: number; maxMs?: number }
  /** Random source (seed it in tests). Default Math.random. */
  random?: () => number
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number
  /** Membership source (e.g. dnsDiscovery). Default: the static `endpoints`. */
  discovery?: Discovery
}

export interface EndpointSet {
  readonly name: string
  /** The current members (changes with discovery). */
  readonly endpoints: readonly Endpoint[]
  /** Starts probes and discovery; also started lazily by the first execute(). */
  start(): void
  /** Runs `op` on the best endpoint, failing over per policy, classification and budget. */
  execute<T>(
    op: (endpoint: Endpoint, ctx: AttemptContext) => Promise<T>,
    options?: ExecuteOptions,
  ): Promise<T>
  /** What execute would try first (advances round-robin style policies). */
  pick(options?: ExecuteOptions): Endpoint | undefined
  /** For connection-holding adapters: the endpoint to hold now. */
  current(): Endpoint | undefined
  status(): EndpointStatus[]
  /** Computed: some endpoint is usable (healthy, unknown or degraded). */
  readonly ready: boolean
  readonly bestHeight: number | undefined
  /** Passive health from streams and subscriptions. */
  reportSuccess(id: string, info?: { latencyMs?: number; height?: number }): void
  reportFailure(id: string, error: unknown): void
  quarantine(id: string, reason: string): void
  rebalance(opts?: { reason?: string; from?: string }): void
  cordon(id: string, opts?: { ttlMs?: number; reason?: string }): void
  uncordon(id: string, opts?: { reason?: string }): void
  prefer(id: string, opts?: { ttlMs?: number; reason?: string }): void
  /** Subscribes; returns the disposer. The events are also the metrics hook. */
  on<K extends keyof SetEvents>(event: K, listener: (e: SetEvents[K]) => void): () => void
  /** Stops every timer, probe and discovery refresh. */
  close(): Promise<void>
}

/** Validates the options (ConfigError on any bad field) and builds the set. No I/O until start(). */
export function createEndpointSet(options: EndpointSetOptions): EndpointSet {
  const s = new SetImpl(resolveOptions(options))
  const op = s.operator
  return Object.freeze({
    name: s.opts.name,
    get endpoints() {
      return s.endpoints
    },
    start: () => s.start(),
    execute: <T>(fn: (e: Endpoint, c: AttemptContext) => Promise<T>, o?: ExecuteOptions) =>
      s.execute(fn, o),
    pick: (o?: ExecuteOptions) => s.pick(o),
    current: () => s.current(),
    status: () => s.status(),
    get ready() {
      return s.ready
    },
    get bestHeight() {
      return s.pool.bestHeight
    },
    reportSuccess: (id: string, info?: { latencyMs?: number; height?: number }) =>
      s.reportSuccess(id, info),
    reportFailure: (id: string, error: unknown) => s.reportFailure(id, error),
    quarantine: (id: string, reason: string) => op.quarantine(id, reason),
    rebalance: (o?: { reason?: string; from?: string }) => op.rebalance(o),
    cordon: (id: string, o?: { ttlMs?: number; reason?: string }) => op.cordon(id, o),
    uncordon: (id: string, o?: { reason?: string }) => op.uncordon(id, o),
    prefer: (id: string, o?: { ttlMs?: number; reason?: string }) => op.prefer(id, o),
    on: <K extends keyof SetEvents>(event: K, fn: (e: SetEvents[K]) => void) =>
      s.emitter.on(event, fn),
    close: () => s.close(),
  })
}
