import type { SteadfastError } from './errors/steadfast-error.js'

/** An endpoint as given by the user: a URL, or a full config. */
export type EndpointInput = string | EndpointConfig

export interface EndpointConfig {
  /** http(s)://, ws(s)://, grpc(s):// URL. */
  url: string
  /** Stable id. Default: derived from the redacted url (`host:port[/path]`). */
  id?: string
  /** Lower = preferred. Default 0 (list order breaks ties). */
  priority?: number
  /** Share for the weighted policy, > 0. Default 1. */
  weight?: number
  /** Free labels (zone, role…), copied to status and metrics. Default {}. */
  labels?: Record<string, string>
  /** Extra request headers the adapter sends to this endpoint. Default {}. */
  headers?: Record<string, string>
  /** Per-attempt timeout override for this endpoint, in ms. Default: the set's. */
  timeoutMs?: number
}

/** Immutable, normalised endpoint. */
export interface Endpoint {
  readonly id: string
  readonly url: string
  readonly redactedUrl: string
  readonly priority: number
  readonly weight: number
  readonly index: number
  readonly labels: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly timeoutMs: number | undefined
}

export type EndpointState =
  | 'unknown'
  | 'healthy'
  | 'degraded'
  | 'unhealthy'
  | 'ejected'
  | 'cordoned'
  | 'quarantined'

/** Snapshot for status pages and metrics. */
export interface EndpointStatus {
  id: string
  /** Redacted. */
  url: string
  state: EndpointState
  /** Epoch ms of the last state change. */
  since: number
  latencyMs: number | undefined
  height: number | undefined
  lag: number | undefined
  inFlight: number
  /** Redacted message. */
  lastError: string | undefined
  reason: string | undefined
  labels: Readonly<Record<string, string>>
}

export interface ProbeResult {
  ok: boolean
  latencyMs?: number
  /** E.g. block number. */
  height?: number
  /** Usable only when nothing better (e.g. syncing). */
  degraded?: boolean
  /** E.g. wrong chainId: never used until a later probe is clean. */
  quarantine?: boolean
  details?: string
}
export type Probe = (endpoint: Endpoint, signal: AbortSignal) => Promise<ProbeResult>

/**
 * - `fatal`: an answer from the application (revert, chaincode error): stop, rethrow as is.
 * - `retryable`: transport/server failure; the request MAY have been processed.
 * - `unsent`: the request provably never reached the server (ECONNREFUSED, DNS, TLS handshake).
 */
export type FailureKind = 'fatal' | 'retryable' | 'unsent'
export type ShouldFailover = (
  error: unknown,
  ctx: { endpoint: Endpoint; attempt: number },
) => FailureKind

export interface ExecuteOptions {
  /** Default true. false => move on only on 'unsent', never hedge. */
  idempotent?: boolean
  /** Overall deadline in ms. Default: the set's `deadlineMs`. */
  deadlineMs?: number
  /** Per-attempt timeout in ms. Default: endpoint's `timeoutMs`, else the set's. */
  attemptTimeoutMs?: number
  /** Default: the set's `maxAttempts`. */
  maxAttempts?: number
  signal?: AbortSignal
  /** Hedge this call (idempotent only). Default: true when the set has a `hedge` option. */
  hedge?: boolean
  /** Only endpoints whose height >= minHeight (if known). */
  minHeight?: number
  /** Exclude endpoints lagging more than `maxLag` behind the best height. */
  fresh?: boolean
  /** Endpoint id to try first (sticky sessions, filters, MFS). */
  affinity?: string
  /** Endpoint id that MUST serve (no failover elsewhere). */
  only?: string
  exclude?: readonly string[]
}

export interface AttemptContext {
  signal: AbortSignal
  attempt: number
  hedged: boolean
}

export interface SetEvents {
  stateChange: {
    set: string
    endpoint: string
    url: string
    from: EndpointState
    to: EndpointState
    reason: string
  }
  attempt: {
    set: string
    endpoint: string
    url: string
    attempt: number
    outcome: 'success' | 'failure' | 'fatal' | 'aborted'
    durationMs: number
    error?: SteadfastError | Error
    hedged: boolean
  }
  failover: { set: string; from: string; to: string; reason: string }
  hedge: { set: string; endpoint: string; delayMs: number }
  rebalance: { set: string; reason: string; from: string | undefined; to: string | undefined }
  probe: {
    set: string
    endpoint: string
    ok: boolean
    latencyMs: number
    height: number | undefined
    error?: string
  }
  membership: { set: string; added: string[]; removed: string[] }
}
