import type { Endpoint } from '@steadfast/core'
import type { FilterState } from './filter-registry.js'
import { quantity } from './head-tracker.js'
import { isErrorResult } from './json-rpc.js'
import type { RpcTransport } from './rpc-transport.js'

/** What a recreated filter missed: items to deliver and delivered logs that a reorg removed. */
export interface Backfill {
  items: unknown[]
  removed: unknown[]
}

// A block filter backfills at most this many block hashes.
const MAX_BLOCK_BACKFILL = 256

/**
 * Reads, on `endpoint`, what `state` may have missed in `range` (inclusive): logs with
 * eth_getLogs, block hashes with eth_getBlockByNumber. Logs delivered earlier from blocks that
 * are no longer canonical come back in `removed` with `removed: true` (reorg-aware).
 */
export async function logBackfill(
  rpc: RpcTransport,
  endpoint: Endpoint,
  state: FilterState,
  range: { from: number; to: number | 'latest' },
): Promise<Backfill> {
  return rpc.execute(
    async (ep, ctx) => {
      if (state.kind === 'block') {
        const to =
          range.to === 'latest'
            ? (quantity(await rpc.call(ep, 'eth_blockNumber', [], ctx.signal)) ?? range.from)
            : range.to
        return { items: await blockHashes(rpc, ep, range.from, to, ctx.signal), removed: [] }
      }
      if (state.params.blockHash !== undefined) return { items: [], removed: [] }
      const fromParam = quantity(state.params.fromBlock)
      const toParam = quantity(state.params.toBlock)
      const from = Math.max(range.from, fromParam ?? 0)
      const to =
        toParam === undefined
          ? range.to
          : range.to === 'latest'
            ? toParam
            : Math.min(range.to, toParam)
      if (to !== 'latest' && to < from) return { items: [], removed: [] }
      const filter = {
        ...state.params,
        fromBlock: `0x${from.toString(16)}`,
        toBlock: to === 'latest' ? 'latest' : `0x${to.toString(16)}`,
      }
      const logs = (await rpc.call(ep, 'eth_getLogs', [filter], ctx.signal)) as unknown[]
      const removed = await orphaned(rpc, ep, state, from, logs, ctx.signal)
      return { items: Array.isArray(logs) ? logs : [], removed }
    },
    { only: endpoint.id, maxAttempts: 1, hedge: false },
  )
}

async function blockHashes(
  rpc: RpcTransport,
  endpoint: Endpoint,
  from: number,
  head: number,
  signal: AbortSignal,
): Promise<string[]> {
  const start = Math.max(from, head - MAX_BLOCK_BACKFILL + 1, 0)
  if (start > head) return []
  const payloads = []
  for (let n = start; n <= head; n++)
    payloads.push(rpc.payload('eth_getBlockByNumber', [`0x${n.toString(16)}`, false]))
  const results = await rpc.post(endpoint, payloads, { signal, attempt: 1 })
  return results.flatMap((r) => {
    if (isErrorResult(r)) return []
    const hash = (r.result as { hash?: unknown } | null)?.hash
    return typeof hash === 'string' ? [hash] : []
  })
}

/** Delivered logs at blocks >= `from` whose block is not canonical on `endpoint` any more. */
async function orphaned(
  rpc: RpcTransport,
  endpoint: Endpoint,
  state: FilterState,
  from: number,
  logs: readonly unknown[],
  signal: AbortSignal,
): Promise<unknown[]> {
  const canonical = new Map<number, string>()
  for (const log of logs) {
    const { blockNumber, blockHash } = log as { blockNumber?: unknown; blockHash?: unknown }
    const n = quantity(blockNumber)
    if (n !== undefined && typeof blockHash === 'string') canonical.set(n, blockHash.toLowerCase())
  }
  const removed: unknown[] = []
  for (const [key, item] of state.seen) {
    if (typeof item === 'string') continue
    const n = quantity(item.blockNumber)
    if (n === undefined || n < from) continue
    let hash = canonical.get(n)
    if (hash === undefined) {
      const block = (await rpc.call(
        endpoint,
        'eth_getBlockByNumber',
        [item.blockNumber, false],
        signal,
      )) as {
        hash?: string
      } | null
      // The replica does not have that block yet: no verdict.
      if (block?.hash === undefined) continue
      hash = block.hash.toLowerCase()
      canonical.set(n, hash)
    }
    if (String(item.blockHash).toLowerCase() !== hash) {
      state.seen.delete(key)
      removed.push({ ...item, removed: true })
    }
  }
  return removed
}
