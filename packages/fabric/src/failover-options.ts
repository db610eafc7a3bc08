import type { Client } from '@grpc/grpc-js'
import type { ConnectOptions, Gateway } from '@hyperledger/fabric-gateway'
import type { Endpoint, EndpointSetOptions, Policy, PolicyName, ProbeResult } from '@steadfast/core'
import type { FabricShouldFailover } from './should-failover.js'

/** One Fabric Gateway peer. */
export interface FabricPeerConfig {
  /** gRPC address `host:port`. */
  address: string
  /**
   * Stable id for metrics and `prefer()`/`cordon()`.
   * @default `serverNameOverride` (with `@address` when several peers share it), else `address`
   */
  id?: string
  /** PEM root certificate(s) of the peer's TLS CA; omit for a plaintext connection. */
  tlsRootCert?: Buffer | Uint8Array
  /** TLS client certificate (PEM), for peers that require mutual TLS. */
  tlsClientCert?: Buffer | Uint8Array
  /** TLS client private key (PEM), with `tlsClientCert`. */
  tlsClientKey?: Buffer | Uint8Array
  /**
   * Host name the peer's TLS certificate is issued to (`grpc.ssl_target_name_override`), when
   * it differs from the host in `address` (proxies, port-forwards, Kubernetes services).
   */
  serverNameOverride?: string
  /** gRPC metadata sent with every call to this peer. */
  headers?: Record<string, string>
  /** Lower is preferred. @default 0 */
  priority?: number
  /** Share of calls under the `weighted` policy, > 0. @default 1 */
  weight?: number
  /** Operations-service health URL (e.g. `http://peer0:9443/healthz`), checked with each probe. */
  healthzUrl?: string
  /** Extra grpc-js channel options for this peer (merged over the defaults). */
  grpcOptions?: Record<string, string | number>
  /** Labels for metrics. */
  labels?: Record<string, string>
}

/** Per-attempt deadlines, in milliseconds. */
export interface FabricDeadlines {
  /** Evaluate attempt deadline (ms). @default 5000 */
  evaluateMs?: number
  /** Endorse attempt deadline (ms). @default 15000 */
  endorseMs?: number
  /** Submit attempt deadline (ms). @default 5000 */
  submitMs?: number
  /** Commit-status attempt deadline (ms); the peer answers once the block is committed. @default 60000 */
  commitStatusMs?: number
}

/** What a health probe gets: the peer, its own fabric-gateway Gateway and gRPC state. */
export interface FabricProbeContext {
  endpoint: Endpoint
  /** The peer's underlying fabric-gateway Gateway (its own gRPC client). */
  gateway: Gateway
  /** The channel given in the options, if any. */
  channelName: string | undefined
  /** The peer's own gRPC client. */
  client: Client
  /** The gRPC channel connectivity state (grpc-js `connectivityState`). */
  connectivity: number
  /** Deadline for the probe call (ms since epoch). */
  deadline: number
  signal: AbortSignal
}

/** A health probe over the peer's own gateway. */
export type FabricProbe = (ctx: FabricProbeContext) => Promise<ProbeResult>

/**
 * Options of `connectFailover`: fabric-gateway's `ConnectOptions` without `client` (one gRPC
 * client per peer is made here), plus the peers and the failover settings.
 */
export interface FailoverConnectOptions extends Omit<ConnectOptions, 'client'> {
  /** The gateway peers (at least one). */
  peers: readonly FabricPeerConfig[]
  /** Channel used by the default health probe (qscc `GetChainInfo`) for the ledger height. */
  channelName?: string
  /** Peer selection policy. @default 'priority' */
  policy?: PolicyName | Policy
  /** Per-attempt deadlines (ms). @default evaluate 5000, endorse 15000, submit 5000, commit status 60000 */
  deadlines?: FabricDeadlines
  /** Failover rule. @default shouldFailover */
  shouldFailover?: FabricShouldFailover
  /** Health probe. @default chainInfoProbe (qscc GetChainInfo, or connectivity when no channel) */
  probe?: FabricProbe
  /** Probe settings passed to the endpoint set (interval, timeout, rise, fall; ms). */
  health?: EndpointSetOptions['health']
  /** Outlier ejection settings passed to the endpoint set. */
  outlier?: EndpointSetOptions['outlier']
  /** Blocks behind the best height before a peer no longer serves calls. @default 5 */
  maxLag?: number
  /** Ask a second peer for a commit status when the first has not answered after (ms). @default 3000 */
  commitStatusHedgeMs?: number
  /** gRPC keepalive ping interval (ms); Fabric peers refuse pings more often than 60000. @default 120000 */
  keepaliveMs?: number
  /** Rotate each peer connection after this age (ms, ±`maxConnectionAgeJitter`). @default off */
  maxConnectionAgeMs?: number
  /** Relative jitter of `maxConnectionAgeMs` (0..1). @default 0.1 */
  maxConnectionAgeJitter?: number
  /** How long in-flight calls may finish on a replaced connection before it is closed (ms). @default 10000 */
  drainTimeoutMs?: number
  /** Endpoint set name, in events and metrics. @default 'fabric' */
  name?: string
  /** Extra endpoint-set options (random, now, failbackAfterMs, …). */
  set?: Partial<Omit<EndpointSetOptions, 'endpoints' | 'probe' | 'shouldFailover'>>
}

/** The default per-attempt deadlines (ms). */
export const defaultDeadlines: Readonly<Required<FabricDeadlines>> = Object.freeze({
  evaluateMs: 5_000,
  endorseMs: 15_000,
  submitMs: 5_000,
  commitStatusMs: 60_000,
})
