import type { EndpointSet } from '@steadfast/core'
import type { BackendName } from '../cli-args.js'
import type { BackendReport } from '../workload/backend-report.js'

/**
 * One replica the chaos script may break. `index` is the replica's endpoint index in the set,
 * so the script can aim at whatever endpoint the client is using right now.
 */
export interface FaultTarget {
  readonly index: number
  kill(): Promise<void>
  restart(): Promise<void>
  /** Hang: the process (or its proxy) accepts connections and never answers. */
  pause(): Promise<void>
  resume(): Promise<void>
  /** Fall behind the others (held replication, lagging ledger). Undefined if the kit cannot. */
  lag?(): Promise<void>
  unlag?(): Promise<void>
}

/** A running backend: its replicas, the Steadfast client over them and the app driving it. */
export interface DemoBackend {
  readonly name: BackendName
  /** For the view, e.g. 'EVM · 3 ganache replicas · @steadfast/ethers'. */
  readonly title: string
  /** The endpoint sets behind the client (for the view, the monitor and the chaos script). */
  readonly sets: readonly EndpointSet[]
  /** Empty when the endpoints are the user's own (no chaos on real nodes). */
  readonly faults: readonly FaultTarget[]
  /** Runs the app until `signal` aborts. Failed calls are counted, never thrown. */
  run(signal: AbortSignal): Promise<void>
  /** After `run`: waits for late events and commits, verifies every write, and reports. */
  finish(signal: AbortSignal): Promise<BackendReport>
  /** Set by the EVM backend: its registry contract, where IPFS documents' CIDs are recorded. */
  readonly documentLedger?: DocumentLedger
  /** Live counters for the view. */
  progress(): BackendProgress
  close(): Promise<void>
}

export interface BackendProgress {
  ok: number
  failed: number
  /** e.g. '42 transfers · 40/42 events'. */
  line: string
}

/** Where IPFS documents' CIDs and SHA-256 digests are recorded durably (the EVM registry contract). */
export interface DocumentLedger {
  /** Records `cid` with its content digest (0x-prefixed hex); resolves once committed. */
  record(cid: string, sha256: string, signal: AbortSignal): Promise<void>
  /** The digest recorded for `cid`, or undefined if none. */
  digestOf(cid: string, signal: AbortSignal): Promise<string | undefined>
}
