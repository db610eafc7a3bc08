import type { Endpoint } from '@steadfast/core'
import { quantity } from './head-tracker.js'
import { isErrorResult, type JsonRpcPayload, type JsonRpcResult } from './json-rpc.js'
import { logBackfill } from './log-backfill.js'
import type { RpcTransport } from './rpc-transport.js'
import { InvalidResponseError, RpcErrorResponse } from './transport-errors.js'

type FilterKind = 'logs' | 'block' | 'pending'

/** One filter as the caller knows it (virtual id) and where it lives now. */
export interface FilterState {
  readonly kind: FilterKind
  readonly params: Record<string, unknown>
  endpointId: string | undefined
  realId: string | undefined
  /** First block whose results may not have been delivered yet. */
  resumeFrom: number
  /** Highest block whose results were delivered (from a holder poll, a backfill, a catch-up). */
  covered: number
  /** The holder's head at its last poll or install; a lower one later means it went back. */
  holderHead: number
  /** Delivered logs / block hashes by key, kept for de-duplication and reorg checks. */
  readonly seen: Map<string, Record<string, unknown> | string>
  lock: Promise<unknown>
  /** Last time the caller used it (epoch ms); an abandoned filter is dropped like a node would. */
  usedAt: number
}

const CREATE: Record<FilterKind, string> = {
  logs: 'eth_newFilter',
  block: 'eth_newBlockFilter',
  pending: 'eth_newPendingTransactionFilter',
}
// Blocks re-read before the last confirmed poll: some nodes fill filters asynchronously.
const SAFETY_MARGIN = 2
const SEEN_LIMIT = 4096
// Blocks the holder may trail the head before its filter moves (propagation in flight).
const HOLDER_LAG_BLOCKS = 2
// Block-number reads starting this long after a filter answer are held back, in ms (see
// `holdsRead`): ethers' re-arm and its batch stall (10 ms) before the restarted poller's read.
const POLL_SETTLE_MS = 50
// Blocks read again below a head lower than what a filter covered (a reorg to a shorter chain,
// a restart that lost blocks): the surviving chain may hold other blocks there, and a node's
// filter may not report them. De-duplication by (blockHash, logIndex) keeps it exactly-once.
const REORG_WINDOW = 64
// Geth's filter timeout: a filter not polled for this long is gone on the node as well.
const FILTER_TIMEOUT_MS = 5 * 60_000

/**
 * Stateful filters behind virtual ids. A filter lives on one replica (sticky); when that replica
 * fails or forgets the filter, it is recreated on another and the gap is backfilled with
 * eth_getLogs (or block hashes) from the first undelivered block, de-duplicated by
 * (blockHash, logIndex), so every log is delivered exactly once across failovers.
 */
export class FilterRegistry {
  readonly #rpc: RpcTransport
  readonly #filters = new Map<string, FilterState>()
  #next = 1
  #polling = 0
  #answeredAt = Number.NEGATIVE_INFINITY

  constructor(rpc: RpcTransport) {
    this.#rpc = rpc
  }

  /**
   * Whether the eth_blockNumber read started at `startedAt` (epoch ms) must not report a new block:
   * one started while a filter poll is in flight or within POLL_SETTLE_MS after one was answered.
   * ethers polls a filter on its 'block' event and re-arms with `once('block')` after the answer;
   * the block poller this restarts takes its first block number as a baseline and emits nothing
   * for it. A block first seen by that read never triggers a poll, and if no block follows (the
   * end of a flow), its logs are never asked for. Held back, the baseline stays at what the
   * filter covered and the poller's next read emits the new block.
   */
  holdsRead(startedAt: number): boolean {
    return this.#polling > 0 || startedAt - this.#answeredAt <= POLL_SETTLE_MS
  }

  async #tracked<T>(fn: () => Promise<T>): Promise<T> {
    this.#polling++
    try {
      return await fn()
    } finally {
      this.#polling--
      this.#answeredAt = Date.now()
    }
  }

  /** Answers one filter method. */
  async handle(p: JsonRpcPayload): Promise<JsonRpcResult> {
    const params = Array.isArray(p.params) ? p.params : []
    try {
      switch (p.method) {
        case 'eth_newFilter':
          return {
            id: p.id,
            result: await this.#create('logs', (params[0] ?? {}) as Record<string, unknown>),
          }
        case 'eth_newBlockFilter':
          return { id: p.id, result: await this.#create('block', {}) }
        case 'eth_newPendingTransactionFilter':
          return { id: p.id, result: await this.#create('pending', {}) }
        default:
          return await this.#onExisting(p, String(params[0]))
      }
    } catch (error) {
      const rpc = rpcError(error)
      if (rpc !== undefined) return { id: p.id, error: rpc }
      throw error
    }
  }

  async #onExisting(p: JsonRpcPayload, id: string): Promise<JsonRpcResult> {
    const state = this.#filters.get(id)
    if (state !== undefined) state.usedAt = Date.now()
    if (state === undefined)
      return { id: p.id, error: { code: -32000, message: 'filter not found' } }
    switch (p.method) {
      case 'eth_getFilterChanges':
        return {
          id: p.id,
          result: await this.#tracked(() => this.#serialized(state, () => this.#changes(state))),
        }
      case 'eth_getFilterLogs':
        return { id: p.id, result: await this.#filterLogs(state) }
      default:
        this.#filters.delete(id)
        this.#uninstall(state)
        return { id: p.id, result: true }
    }
  }

  async #create(kind: FilterKind, params: Record<string, unknown>): Promise<string> {
    const state: FilterState = {
      kind,
      params,
      endpointId: undefined,
      realId: undefined,
      resumeFrom: 0,
      covered: -1,
      holderHead: -1,
      seen: new Map(),
      lock: Promise.resolve(),
      usedAt: Date.now(),
    }
    const head = await this.#install(state, [])
    state.resumeFrom = head + 1
    state.covered = head
    const id = `0x${(this.#next++).toString(16)}`
    this.#dropAbandoned()
    this.#filters.set(id, state)
    return id
  }

  /** Creates the real filter on some replica (not in `exclude`); resolves to its head then. */
  async #install(state: FilterState, exclude: readonly string[]): Promise<number> {
    const method = CREATE[state.kind]
    const args = state.kind === 'logs' ? [state.params] : []
    const { endpoint, realId, head } = await this.#rpc.execute(
      async (endpoint, ctx) => {
        const realId = String(await this.#rpc.call(endpoint, method, args, ctx.signal))
        const head =
          quantity(await this.#rpc.call(endpoint, 'eth_blockNumber', [], ctx.signal)) ?? 0
        return { endpoint, realId, head }
      },
      { latest: true, exclude, hedge: false },
    )
    state.endpointId = endpoint.id
    state.realId = realId
    state.holderHead = head
    this.#rpc.head.observe(head)
    return head
  }

  async #changes(state: FilterState): Promise<unknown[]> {
    const holder = state.endpointId
    if (holder === undefined || state.realId === undefined) return this.#recover(state, [])
    let polled: { head: number | undefined; changes: unknown[] }
    try {
      polled = await this.#rpc.execute((endpoint, ctx) => this.#poll(endpoint, state, ctx.signal), {
        only: holder,
        maxAttempts: 1,
        hedge: false,
      })
    } catch (error) {
      // Lost filter (restart) or unreachable replica: move it, unless the replica is fine
      // and only forgot it, then it may host the new one.
      const exclude = rpcError(error) === undefined ? [holder] : []
      return this.#recover(state, exclude)
    }
    if (polled.head !== undefined && polled.head < state.holderHead) {
      // The holder went back (a reorg to a shorter chain, a restart that lost blocks): its
      // filter may not report what the surviving chain holds below its old head. Recreated and
      // read again from below the new head.
      this.#uninstall(state)
      this.#rewind(state, polled.head)
      return this.#recover(state, [])
    }
    if (polled.head !== undefined) state.holderHead = polled.head
    // What the answer must cover: the highest block the caller has seen, but no higher than the
    // best replica holds now (after a reorg to a shorter chain, none may hold the former).
    const target = this.#rpc.head.reachable
    if (
      polled.head !== undefined &&
      target !== undefined &&
      polled.head + HOLDER_LAG_BLOCKS < target
    ) {
      // The holder fell behind the head (lagging, or on a fork of its own): what it reports may
      // never become canonical, and what it lacks it cannot report. Its answer is dropped and the
      // filter moves to a replica at the head, backfilled from the first undelivered block.
      this.#uninstall(state)
      return this.#recover(state, [holder])
    }
    const delivered = this.#deliver(state, polled.changes)
    if (polled.head === undefined) return delivered
    state.resumeFrom = Math.max(state.resumeFrom, polled.head - SAFETY_MARGIN + 1)
    state.covered = Math.max(state.covered, polled.head)
    return [...delivered, ...(await this.#catchUp(state, polled.head))]
  }

  /** The chain is now only `head` high where the filter covered more: read again from below. */
  #rewind(state: FilterState, head: number): void {
    state.resumeFrom = Math.min(state.resumeFrom, Math.max(0, head - REORG_WINDOW + 1))
    state.covered = Math.min(state.covered, head)
  }

  /**
   * The holder trails what the caller has already seen (a receipt, a block number): read the
   * gap on a fresher replica now, since ethers polls again only on the next block, which may
   * never come. Repeated while the caller learned of newer blocks meanwhile, so the answer
   * covers every block reported before it. One pass over the replicas: a gap none can read
   * yet is read on the next poll.
   */
  async #catchUp(state: FilterState, covered: number): Promise<unknown[]> {
    const out: unknown[] = []
    for (let round = 0; round < 3 && state.kind !== 'pending'; round++) {
      const target = this.#rpc.head.reachable
      if (target === undefined || target <= covered) break
      const from = covered + 1
      try {
        const gap = await this.#rpc.execute(
          (endpoint, ctx) => this.#gapOn(endpoint, state, { from, to: target }, ctx.signal),
          { latest: true, hedge: false, maxAttempts: this.#rpc.set.endpoints.length },
        )
        out.push(...gap.removed, ...this.#deliver(state, gap.items))
      } catch {
        // What is delivered must reach the caller: the gap is read again on the next poll.
        break
      }
      covered = target
      state.covered = Math.max(state.covered, target)
    }
    return out
  }

  /** Reads `range` on `endpoint`, which must hold `range.to` already (else the next replica). */
  async #gapOn(
    endpoint: Endpoint,
    state: FilterState,
    range: { from: number; to: number },
    signal: AbortSignal,
  ) {
    const head = quantity(await this.#rpc.call(endpoint, 'eth_blockNumber', [], signal)) ?? -1
    if (head < range.to) {
      throw new InvalidResponseError(`at block ${head}, behind ${range.to}`, {
        endpoint: endpoint.redactedUrl,
      })
    }
    return logBackfill(this.#rpc, endpoint, state, { from: range.from, to: head })
  }

  /** The holder's head (asked first: a lower bound of what the filter covered) and the changes. */
  async #poll(
    endpoint: Endpoint,
    state: FilterState,
    signal: AbortSignal,
  ): Promise<{ head: number | undefined; changes: unknown[] }> {
    const payloads = [
      this.#rpc.payload('eth_blockNumber', []),
      this.#rpc.payload('eth_getFilterChanges', [state.realId]),
    ]
    const [head, changes] = await this.#rpc.post(endpoint, payloads, { signal, attempt: 1 })
    if (changes === undefined || isErrorResult(changes)) {
      const error = changes?.error ?? { code: -32000, message: 'no answer' }
      throw new RpcErrorResponse('eth_getFilterChanges', error, { endpoint: endpoint.redactedUrl })
    }
    const n = head === undefined || isErrorResult(head) ? undefined : quantity(head.result)
    return { head: n, changes: Array.isArray(changes.result) ? changes.result : [] }
  }

  async #recover(state: FilterState, exclude: readonly string[]): Promise<unknown[]> {
    state.endpointId = undefined
    state.realId = undefined
    let head: number
    try {
      head = await this.#install(state, exclude)
    } catch (error) {
      if (exclude.length === 0) throw error
      head = await this.#install(state, [])
    }
    const endpoint = this.#rpc.set.endpoints.find((e) => e.id === state.endpointId)
    if (endpoint === undefined || state.kind === 'pending') return []
    // A new holder below what was covered: the chain got shorter (or only a lagging replica
    // could take the filter); what it holds there may not be what was delivered.
    if (head < state.covered) this.#rewind(state, head)
    try {
      const range = { from: state.resumeFrom, to: 'latest' as const }
      const backfill = await logBackfill(this.#rpc, endpoint, state, range)
      state.resumeFrom = Math.max(state.resumeFrom, head - SAFETY_MARGIN + 1)
      state.covered = Math.max(state.covered, head)
      const items = [...backfill.removed, ...this.#deliver(state, backfill.items)]
      return [...items, ...(await this.#catchUp(state, head))]
    } catch (error) {
      // Without its backfill the new filter would skip the gap: drop it, recover again next poll.
      this.#uninstall(state)
      state.endpointId = undefined
      state.realId = undefined
      throw error
    }
  }

  /** Drops what was already delivered; remembers the rest. */
  #deliver(state: FilterState, items: readonly unknown[]): unknown[] {
    const out: unknown[] = []
    for (const item of items) {
      const key = deliveryKey(item)
      if (key === undefined) {
        out.push(item)
        continue
      }
      if ((item as { removed?: boolean }).removed === true) {
        state.seen.delete(key)
        out.push(item)
        continue
      }
      if (state.seen.has(key)) continue
      state.seen.set(key, item as Record<string, unknown> | string)
      out.push(item)
      const n = quantity((item as { blockNumber?: unknown }).blockNumber)
      if (n !== undefined) this.#rpc.head.observe(n)
    }
    while (state.seen.size > SEEN_LIMIT) {
      const oldest = state.seen.keys().next().value
      if (oldest === undefined) break
      state.seen.delete(oldest)
    }
    return out
  }

  async #filterLogs(state: FilterState): Promise<unknown> {
    if (state.kind !== 'logs') return []
    return this.#rpc.execute(
      (endpoint, ctx) => this.#rpc.call(endpoint, 'eth_getLogs', [state.params], ctx.signal),
      { latest: true },
    )
  }

  /** Forgets filters nobody polled for FILTER_TIMEOUT_MS (nodes drop theirs after 5 min too). */
  #dropAbandoned(): void {
    const oldest = Date.now() - FILTER_TIMEOUT_MS
    for (const [id, state] of this.#filters) {
      if (state.usedAt >= oldest) continue
      this.#filters.delete(id)
      this.#uninstall(state)
    }
  }

  #uninstall(state: FilterState): void {
    const { endpointId, realId } = state
    if (endpointId === undefined || realId === undefined) return
    this.#rpc
      .execute(
        (endpoint, ctx) => this.#rpc.call(endpoint, 'eth_uninstallFilter', [realId], ctx.signal),
        {
          only: endpointId,
          maxAttempts: 1,
        },
      )
      .catch(() => {})
  }

  #serialized<T>(state: FilterState, fn: () => Promise<T>): Promise<T> {
    const run = state.lock.then(fn, fn)
    state.lock = run.catch(() => {})
    return run
  }
}

/** The de-duplication key of a log ("blockHash:logIndex") or a block hash. */
export function deliveryKey(item: unknown): string | undefined {
  if (typeof item === 'string') return item.toLowerCase()
  if (item === null || typeof item !== 'object') return undefined
  const { blockHash, logIndex } = item as { blockHash?: unknown; logIndex?: unknown }
  if (typeof blockHash !== 'string' || logIndex === undefined) return undefined
  return `${blockHash.toLowerCase()}:${String(logIndex)}`
}

function rpcError(error: unknown): { code: number; message: string } | undefined {
  if (
    error !== null &&
    typeof error === 'object' &&
    'rpcCode' in error &&
    'shortMessage' in error
  ) {
    const e = error as { rpcCode: number; shortMessage: string; method: string }
    return { code: e.rpcCode, message: e.shortMessage.replace(`${e.method}: `, '') }
  }
  return undefined
}

export type { Endpoint }
