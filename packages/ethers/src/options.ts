import type {
  EndpointConfig,
  EndpointSetOptions,
  Policy,
  PolicyName,
  ShouldFailover,
} from '@steadfast/core'
import type { JsonRpcApiProviderOptions } from 'ethers'
import type { EvmProbeOptions } from './evm-probe.js'

/** An endpoint: a URL, or an object with its own priority, weight, headers and Tessera URL. */
export type FailoverEndpoint =
  | string
  | (EndpointConfig & {
      /** Tessera `/upcheck` URL (http or https) probed with it. */ tessera?: string
    })

/** The named presets. */
export type FailoverPreset = 'activeBackup' | 'balanced'

/** Every ethers JsonRpcProvider option, plus the failover ones. */
export interface FailoverProviderOptions extends JsonRpcApiProviderOptions {
  /**
   * `activeBackup`: one sticky primary (priority policy), fail back after 30 s, no hedging.
   * `balanced`: least-latency policy, reads hedged after an adaptive delay.
   * Explicit options override the preset. @default 'activeBackup'
   */
  preset?: FailoverPreset
  /** Endpoint selection policy. @default 'priority' (preset activeBackup) */
  policy?: PolicyName | Policy
  /** Name of the endpoint set in events and metrics. @default 'ethers' */
  name?: string
  /** Expected chainId (a positive integer) when `network` is not given; must agree with it when both are. @default the replicas' majority answer */
  chainId?: bigint | number
  /** Health probe period, in ms. @default 2000 */
  probeIntervalMs?: number
  /** Health probe timeout, in ms. @default 2000 */
  probeTimeoutMs?: number
  /** Optional probe checks: peers, Quorum consensus, Tessera. @default {} */
  probe?: EvmProbeOptions
  /** Timeout of one attempt on one replica, in ms. @default 10000 */
  attemptTimeoutMs?: number
  /** Overall deadline of one call across replicas, in ms. @default 30000 */
  deadlineMs?: number
  /** Attempts per call across replicas. @default core: two rounds over the set, at most 10 */
  maxAttempts?: number
  /** Hedge reads: a second replica is asked after `delayMs` (or adaptive). `false`: never. @default false (activeBackup), adaptive (balanced) */
  hedge?: false | { delayMs?: number | 'adaptive'; max?: number }
  /** Blocks behind the best head before a replica stops serving "latest" reads. @default 2 */
  maxLag?: number
  /** Priority policy: time a recovered better replica must stay healthy before traffic returns, in ms. @default 30000 */
  failbackAfterMs?: number
  /** Passive outlier ejection (see core). @default core defaults */
  outlier?: EndpointSetOptions['outlier']
  /** Whether a failed attempt moves on; replace to change the rule. @default {@link shouldFailover} */
  shouldFailover?: ShouldFailover
  /** A transaction sent through this provider and still unmined after this long is re-sent to the replica answering a receipt read if that replica does not know it (by hash), also the replica that accepted it (a node forgets a pending transaction on a restart or a reorg); checked again every such period, in ms. @default 3000 */
  rebroadcastAfterMs?: number
  /** A raw transaction retried after an attempt that may have arrived first waits this long for it to propagate to the next replica (no second broadcast), in ms. @default 500 */
  propagationGraceMs?: number
  /** Largest JSON-RPC response accepted, in bytes (a whole number ≥ 1). @default 10485760 (10 MB) */
  maxResponseBytes?: number
  /** Most keep-alive sockets per replica (a whole number ≥ 1). @default 32 */
  maxSockets?: number
  /** Headers sent to every replica (an endpoint's own headers win); invalid HTTP names or values are refused. @default {} */
  headers?: Record<string, string>
  /** Seeded random generator (tests). @default Math.random */
  random?: () => number
}

/** The options of each preset. */
export const PRESETS: Readonly<Record<FailoverPreset, Partial<FailoverProviderOptions>>> =
  Object.freeze({
    activeBackup: { policy: 'priority', failbackAfterMs: 30_000, hedge: false },
    balanced: { policy: 'leastLatency', hedge: { delayMs: 'adaptive', max: 2 } },
  })

/** ethers' own JsonRpcApiProviderOptions, passed to JsonRpcProvider. */
export const ETHERS_KEYS = [
  'polling',
  'staticNetwork',
  'batchStallTime',
  'batchMaxSize',
  'batchMaxCount',
  'cacheTimeout',
  'pollingInterval',
] as const

/** Splits the options into ethers' own and the preset-merged failover ones. */
export function splitOptions(options: FailoverProviderOptions = {}): {
  ethers: JsonRpcApiProviderOptions
  failover: FailoverProviderOptions
} {
  const ethers: Record<string, unknown> = {}
  for (const key of ETHERS_KEYS) if (options[key] !== undefined) ethers[key] = options[key]
  const failover = { ...PRESETS[options.preset ?? 'activeBackup'], ...stripUndefined(options) }
  return { ethers: ethers as JsonRpcApiProviderOptions, failover }
}

/** The core endpoint-set options (without endpoints and probe) for `o`. */
export function setOptions(o: FailoverProviderOptions): Omit<EndpointSetOptions, 'endpoints'> {
  const set: Record<string, unknown> = {
    name: o.name ?? 'ethers',
    policy: o.policy ?? 'priority',
    health: { intervalMs: o.probeIntervalMs ?? 2000, timeoutMs: o.probeTimeoutMs ?? 2000 },
    maxLag: o.maxLag ?? 2,
    attemptTimeoutMs: o.attemptTimeoutMs,
    deadlineMs: o.deadlineMs,
    maxAttempts: o.maxAttempts,
    failbackAfterMs: o.failbackAfterMs,
    outlier: o.outlier,
    random: o.random,
  }
  if (o.hedge !== undefined && o.hedge !== false) set.hedge = stripUndefined(o.hedge)
  return stripUndefined(set) as Omit<EndpointSetOptions, 'endpoints'>
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
