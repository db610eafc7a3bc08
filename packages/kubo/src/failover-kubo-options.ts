import type { EndpointSet, EndpointSetOptions, Probe, ShouldFailover } from '@steadfast/core'
import type { Options as KuboOptions, KuboRPCClient } from 'kubo-rpc-client'
import type { KuboProbeOptions } from './kubo-probe.js'
import type { SubscriptionGap } from './resilient-subscriptions.js'

/** Options of {@link createFailoverKubo}; every option of the core's endpoint set applies too. */
export interface FailoverKuboOptions extends Omit<EndpointSetOptions, 'probe' | 'shouldFailover'> {
  /**
   * Health probe: a core `Probe`, or options of the built-in one (POST `/api/v0/version` within
   * `health.timeoutMs`, optional minimum swarm peers and repo-size ceiling). `false`: no probe.
   * @default kuboProbe()
   */
  probe?: Probe | KuboProbeOptions | false
  /** Whether a failed call may move to another node. @default kuboShouldFailover */
  shouldFailover?: ShouldFailover
  /**
   * Longest silence between two chunks of a stream (`cat`, `get`, `ls`…) before its node is given
   * up on and the stream resumes elsewhere, in ms; also the window over which
   * `streamMinBytesPerSecond` is averaged. Time the caller holds a chunk does not count.
   * @default 15_000
   */
  streamIdleTimeoutMs?: number
  /**
   * Slowest average rate a node may feed a byte stream (`cat`, `get`, `dag.export`), in bytes/s,
   * over each `streamIdleTimeoutMs` spent waiting for it: a slower (trickling) node is given up on
   * and the stream resumes elsewhere from the bytes already delivered. `0`: not checked.
   * @default 1024
   */
  streamMinBytesPerSecond?: number
  /**
   * Overall deadline of a stream call (opening, reading and every resume), in ms; past it the
   * stream throws `DeadlineExceededError` (`DEADLINE_EXCEEDED`). A call's own `timeout` option
   * replaces it for that call. `Infinity`: none. @default 3_600_000 (1 hour)
   */
  streamDeadlineMs?: number
  /** How many times one stream may resume on another node. @default 5 */
  maxResumes?: number
  /**
   * Bytes of a one-shot input stream (`add` of an async iterable…) kept so a failed write can be
   * resent to another node; past it a failed write throws `InputNotReplayableError`.
   * Bytes, strings, Blobs and arrays are replayed without copying. @default 67_108_864 (64 MiB)
   */
  maxReplayBytes?: number
  /**
   * Endpoint id (or url) serving node-local calls (`files.*`, `key.*`, `name.publish`,
   * `config.*`). @default the endpoint the policy picks for the first such call
   */
  stickyEndpoint?: string
  /**
   * Check the bytes of `cat(<bare CID>)` against the CID once the stream ends (raw blocks by hash,
   * UnixFS files by re-importing with `onlyHash`, so only content imported with the node's default
   * chunker verifies); a mismatch throws `ContentMismatchError` at the end of the stream. `true`
   * keeps up to 64 MiB to check; larger files are not verified. @default false
   */
  verifyCat?: boolean | { maxBytes: number }
  /** Called when a pubsub subscription moved to another node (messages may be missing). */
  onSubscriptionGap?: (gap: SubscriptionGap) => void
  /** How often a subscription with no reachable node is retried, in ms. @default 1_000 */
  resubscribeRetryMs?: number
  /** Extra kubo-rpc-client options for every node (not `url`; headers merge with the endpoint's). */
  kubo?: Omit<KuboOptions, 'url' | 'host' | 'port' | 'protocol' | 'apiPath'>
  /**
   * An existing endpoint set to use instead of creating one (its options then apply, not these);
   * `close()` does not close it.
   */
  set?: EndpointSet
}

/** What the failover client adds to `KuboRPCClient`, under `failover`. */
export interface FailoverKuboControls {
  /** The endpoint set behind the client (status, events, cordon…). */
  readonly set: EndpointSet
  /** Id of the endpoint serving node-local calls (undefined until the first such call). */
  readonly stickyEndpoint: string | undefined
  /** Moves node-local calls to another endpoint, explicitly (never done silently). */
  setStickyEndpoint(id: string): void
  /** Live pubsub subscriptions and the endpoint id serving each (undefined while moving). */
  subscriptions(): { topic: string; endpoint: string | undefined }[]
  /** The plain kubo-rpc-client of one endpoint. */
  clientFor(id: string): KuboRPCClient
  /** Stops probes and subscriptions; closes the set if this client created it. */
  close(): Promise<void>
}

/** A `KuboRPCClient` over a set of nodes, plus `failover` controls. */
export type FailoverKubo = KuboRPCClient & { readonly failover: FailoverKuboControls }
