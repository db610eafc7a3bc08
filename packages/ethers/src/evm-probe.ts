import type { Endpoint, Probe, ProbeResult } from '@steadfast/core'
import { quantity } from './head-tracker.js'
import { isErrorResult, type JsonRpcResult } from './json-rpc.js'
import type { RpcTransport } from './rpc-transport.js'
import { tesseraUpcheck } from './tessera-upcheck.js'

/** Health checks of one EVM replica, beyond chainId / head / syncing (always checked). */
export interface EvmProbeOptions {
  /** Minimum `net_peerCount`; fewer peers marks the replica degraded. @default undefined (not checked) */
  minPeers?: number
  /**
   * GoQuorum consensus check: `'raft'` requires `raft_role` to be minter/verifier/learner;
   * `'istanbul'` / `'qbft'` require `<ns>_isValidator` to answer (true when `requireValidator`).
   * A failed check marks the replica degraded. @default undefined (not checked)
   */
  consensus?: 'raft' | 'istanbul' | 'qbft'
  /** With `consensus` istanbul/qbft: the node must itself be a validator. @default false */
  requireValidator?: boolean
  /** Tessera `/upcheck` URL of each replica by endpoint id; a failed upcheck fails the probe. @default {} */
  tessera?: Readonly<Record<string, string>>
}

/**
 * The active health probe: one batched request for eth_chainId (mismatch → quarantine),
 * eth_blockNumber (head, lag), eth_syncing (syncing → degraded, not used for fresh reads) and the
 * optional net_peerCount and consensus checks; then the optional Tessera upcheck.
 */
export function evmProbe(rpc: RpcTransport, options: EvmProbeOptions = {}): Probe {
  return async (endpoint: Endpoint, signal: AbortSignal): Promise<ProbeResult> => {
    const started = performance.now()
    const methods = ['eth_chainId', 'eth_blockNumber', 'eth_syncing']
    if (options.minPeers !== undefined) methods.push('net_peerCount')
    if (options.consensus === 'raft') methods.push('raft_role')
    else if (options.consensus !== undefined) methods.push(`${options.consensus}_isValidator`)
    const payloads = methods.map((m) => rpc.payload(m, []))
    const results = await rpc.postUnchecked(endpoint, payloads, { signal, attempt: 1 })
    const latencyMs = performance.now() - started
    const value = (i: number) => answer(results[i])
    const chainId = value(0)
    if (typeof chainId !== 'string')
      return { ok: false, latencyMs, details: 'no eth_chainId answer' }
    const mismatch = await rpc.guard.observe(endpoint, BigInt(chainId), signal)
    if (mismatch !== undefined)
      return { ok: false, quarantine: true, latencyMs, details: mismatch.shortMessage }
    const height = quantity(value(1))
    if (height === undefined) return { ok: false, latencyMs, details: 'no eth_blockNumber answer' }
    const problems = degradations(options, methods, value)
    const tessera = options.tessera?.[endpoint.id]
    if (tessera !== undefined) {
      const down = await tesseraUpcheck(tessera, signal)
      if (down !== undefined) return { ok: false, latencyMs, height, details: down }
    }
    const result: ProbeResult = { ok: true, latencyMs, height }
    if (problems.length > 0) {
      result.degraded = true
      result.details = problems.join('; ')
    }
    return result
  }
}

function answer(r: JsonRpcResult | undefined): unknown {
  return r === undefined || isErrorResult(r) ? undefined : r.result
}

/** @internal Why a replica that answered its probe is degraded (empty: it is not); exported for tests. */
export function degradations(
  options: EvmProbeOptions,
  methods: readonly string[],
  value: (i: number) => unknown,
): string[] {
  const problems: string[] = []
  if (value(2) !== false) problems.push('syncing')
  const at = (m: string) => methods.indexOf(m)
  if (options.minPeers !== undefined) {
    const peers = quantity(value(at('net_peerCount')))
    if (peers === undefined || peers < options.minPeers)
      problems.push(`peers ${peers ?? '?'} < ${options.minPeers}`)
  }
  if (options.consensus === 'raft') {
    const role = value(at('raft_role'))
    if (role !== 'minter' && role !== 'verifier' && role !== 'learner')
      problems.push(`raft role ${String(role)}`)
  } else if (options.consensus !== undefined) {
    const isValidator = value(at(`${options.consensus}_isValidator`))
    if (typeof isValidator !== 'boolean')
      problems.push(`${options.consensus}_isValidator unanswered`)
    else if (options.requireValidator === true && !isValidator) problems.push('not a validator')
  }
  return problems
}
