import type { AttemptContext, Endpoint } from '@steadfast/core'
import type { FilterRegistry } from './filter-registry.js'
import { quantity } from './head-tracker.js'
import { isErrorResult, type JsonRpcPayload, type JsonRpcResult } from './json-rpc.js'
import { methodSafety } from './method-safety.js'
import { NonceFloor } from './nonce-floor.js'
import {
  decodeRawTransaction,
  type PendingTransactions,
  type TrackedTransaction,
} from './pending-transactions.js'
import { sendRawTransaction } from './raw-transaction.js'
import { rebroadcastDropped, reconcileSender } from './reconcile-sender.js'
import type { RpcTransport } from './rpc-transport.js'
import { catchUpSender } from './sender-catch-up.js'

/** A call scope: a pinned session routes every call to its replica first. */
export interface RouteScope {
  /** Replica to try first (a pinned session's). */
  affinity?: string | undefined
  /** Told which replica served (a pinned session follows it after a failover). */
  served?(endpointId: string): void
}

/** Router options resolved by the provider. */
export interface RouterOptions {
  /** Hedge reads. */
  hedge: boolean
  /** Re-send an unmined transaction elsewhere after this long, in ms. */
  rebroadcastAfterMs: number
  /** A retried send first waits this long for the transaction to propagate, in ms. */
  propagationGraceMs: number
}

/**
 * Splits an ethers payload batch by method safety and routes each part: reads as one batch
 * (fail over, hedge, freshest replicas first), raw transactions one by one (safe elsewhere),
 * node-signed and unknown methods one by one (moved only when unsent), filters to their replica.
 */
export class RpcRouter {
  readonly #rpc: RpcTransport
  readonly #filters: FilterRegistry
  readonly #pending: PendingTransactions
  readonly #options: RouterOptions
  readonly #nonces = new NonceFloor()
  #writes: Promise<unknown> = Promise.resolve()

  constructor(
    rpc: RpcTransport,
    filters: FilterRegistry,
    pending: PendingTransactions,
    options: RouterOptions,
  ) {
    this.#rpc = rpc
    this.#filters = filters
    this.#pending = pending
    this.#options = options
  }

  /** Answers every payload (in any order; ethers matches by id). */
  async send(
    payloads: readonly JsonRpcPayload[],
    scope: RouteScope = {},
  ): Promise<JsonRpcResult[]> {
    const batch: JsonRpcPayload[] = []
    const filters: JsonRpcPayload[] = []
    const parts: { payloads: readonly JsonRpcPayload[]; run: Promise<JsonRpcResult[]> }[] = []
    const add = (ps: readonly JsonRpcPayload[], run: Promise<JsonRpcResult[]>) =>
      parts.push({ payloads: ps, run })
    for (const p of payloads) {
      const bound = this.#senderBound(p)
      switch (methodSafety(p.method)) {
        case 'read':
          if (bound !== undefined) add([p], this.#read([p], scope, bound))
          else batch.push(p)
          break
        case 'filter':
          filters.push(p)
          break
        case 'rawTransaction':
          add([p], this.#sendRaw(p, scope))
          break
        default:
          add([p], this.#unsafe(p, scope))
      }
    }
    if (batch.length > 0) add(batch, this.#read(batch, scope, undefined))
    const settled = await Promise.allSettled(parts.map((part) => part.run))
    // Filters answer last: ethers resolves a whole batch at once, and a block number in it that
    // the filter answer does not cover would fire ethers' next poll before it re-arms (a lost
    // event when no later block comes). Polled after, the filter covers what the batch reported.
    for (const p of filters) {
      parts.push({ payloads: [p], run: this.#filters.handle(p).then((r) => [r]) })
      settled.push(...(await Promise.allSettled([parts.at(-1)!.run])))
    }
    const failed = settled.find((s) => s.status === 'rejected')
    // All failed: ethers rejects every payload with our typed error. Some failed: only those
    // payloads get an error answer, so one unreachable filter does not fail unrelated reads.
    if (failed !== undefined && settled.every((s) => s.status === 'rejected')) throw failed.reason
    return settled.flatMap((s, i) =>
      s.status === 'fulfilled'
        ? s.value
        : (parts[i]?.payloads ?? []).map((p) => asErrorResult(p, s.reason)),
    )
  }

  /** A raw transaction; once a replica accepted it, its nonce raises the sender's nonce floor. */
  async #sendRaw(p: JsonRpcPayload, scope: RouteScope): Promise<JsonRpcResult[]> {
    // One writer: raw transactions go out one at a time. Two sent together to a writer that
    // fails would each fail over by the policy's pick (roundRobin: two replicas) and be mined
    // at the same height on two replicas: a fork, and a reorg for one of them. In turn, each
    // starts at the replica the previous one settled on.
    const turn = this.#writes.then(() => this.#sendRawNow(p, scope))
    this.#writes = turn.catch(() => {})
    return turn
  }

  async #sendRawNow(p: JsonRpcPayload, scope: RouteScope): Promise<JsonRpcResult[]> {
    const r = await sendRawTransaction(this.#rpc, this.#pending, p, scope, {
      ...this.#options,
      // The replica must hold the sender's earlier transactions first (no nonce gap there).
      beforeSend: (endpoint, tx, signal) =>
        catchUpSender(
          this.#rpc,
          this.#nonces,
          endpoint,
          tx,
          this.#options.propagationGraceMs,
          signal,
        ),
    })
    const raw = Array.isArray(p.params) ? p.params[0] : undefined
    const decoded = isErrorResult(r) ? undefined : decodeRawTransaction(raw)
    if (decoded !== undefined && typeof raw === 'string')
      this.#nonces.sent(
        decoded.from,
        decoded.nonce,
        raw,
        this.#pending.get(decoded.hash)?.endpointId,
      )
    return [r]
  }

  /** Reads of a transaction flow we track: stay with the replica that got the transaction. */
  #senderBound(p: JsonRpcPayload): string | undefined {
    const nonceRead = countRead(p)
    if (nonceRead !== undefined) return this.#pending.endpointOf(nonceRead.sender)
    const params = Array.isArray(p.params) ? p.params : []
    if (p.method === 'eth_getTransactionReceipt' && typeof params[0] === 'string') {
      return this.#pending.get(params[0])?.endpointId
    }
    return undefined
  }

  async #read(
    payloads: readonly JsonRpcPayload[],
    scope: RouteScope,
    bound: string | undefined,
  ): Promise<JsonRpcResult[]> {
    const affinity = bound ?? scope.affinity
    const startedAt = Date.now()
    return this.#rpc.execute(
      async (endpoint, ctx) => {
        const results = await this.#rpc.post(endpoint, payloads, ctx)
        scope.served?.(endpoint.id)
        return this.#afterRead(endpoint, payloads, results, ctx, startedAt)
      },
      {
        latest: true,
        hedge: this.#options.hedge && bound === undefined,
        ...(affinity ? { affinity } : {}),
      },
    )
  }

  /** Monotonic block numbers, heads from receipts, and tracked-transaction reconciliation. */
  async #afterRead(
    endpoint: Endpoint,
    payloads: readonly JsonRpcPayload[],
    results: JsonRpcResult[],
    ctx: AttemptContext,
    startedAt: number,
  ): Promise<JsonRpcResult[]> {
    for (let i = 0; i < results.length; i++) {
      const r = results[i]
      const p = payloads[i]
      if (r === undefined || p === undefined || isErrorResult(r)) continue
      const params = Array.isArray(p.params) ? p.params : []
      if (p.method === 'eth_blockNumber') {
        const n = quantity(r.result)
        if (n === undefined) continue
        this.#rpc.set.reportSuccess(endpoint.id, { height: n })
        // Held back around a filter poll: ethers would never poll the filter for it.
        const answer = this.#rpc.head.answer(n, this.#filters.holdsRead(startedAt))
        results[i] = { id: r.id, result: `0x${answer.toString(16)}` }
      } else if (p.method === 'eth_getTransactionReceipt' && typeof params[0] === 'string') {
        const receipt = r.result as { blockNumber?: unknown } | null
        const tracked = this.#pending.get(params[0])
        if (receipt !== null) {
          const n = quantity(receipt.blockNumber)
          if (n !== undefined) this.#rpc.noteBlock(endpoint, n)
          if (tracked !== undefined) this.#nonces.mined(tracked.from, tracked.nonce)
          this.#pending.mined(params[0])
        } else if (
          tracked !== undefined &&
          tracked.endpointId !== endpoint.id &&
          this.#lost(tracked)
        ) {
          await this.#reconcile(endpoint, tracked.from, ctx.signal)
        } else if (
          tracked !== undefined &&
          tracked.endpointId === endpoint.id &&
          this.#stale(tracked)
        ) {
          await rebroadcastDropped(this.#rpc, this.#pending, endpoint, tracked.from, ctx.signal)
        }
      } else {
        const read = countRead(p)
        if (read !== undefined) results[i] = await this.#countAfterRead(endpoint, p, read, r, ctx)
      }
    }
    return results
  }

  /**
   * A sender's transaction count: the replica first gets the sender's unmined transactions it
   * lacks (then is asked again), and the answer never goes below the nonce floor (a replica
   * that has not seen the sender's last transaction yet would make ethers re-use a nonce).
   */
  async #countAfterRead(
    endpoint: Endpoint,
    p: JsonRpcPayload,
    { sender, tag }: CountRead,
    r: JsonRpcResult & { result: unknown },
    ctx: AttemptContext,
  ): Promise<JsonRpcResult> {
    let count = r.result
    const bound = this.#pending.endpointOf(sender)
    if (
      tag === 'pending' &&
      bound !== undefined &&
      bound !== endpoint.id &&
      this.#pending.unmined(sender).length > 0
    ) {
      await this.#reconcile(endpoint, sender, ctx.signal)
      count = await this.#rpc.call(endpoint, p.method, p.params as unknown[], ctx.signal)
    }
    return { id: r.id, result: this.#nonces.apply(sender, tag, count) }
  }

  /**
   * Whether a tracked transaction may be lost: its replica is down (not healthy any more) or it
   * is still unmined after `rebroadcastAfterMs`. Only then is it re-sent elsewhere (re-sending
   * to a second replica while the first still works would make two writers).
   */
  #lost(tx: TrackedTransaction): boolean {
    const state = this.#rpc.set.status().find((s) => s.id === tx.endpointId)?.state
    const usable = state === 'healthy' || state === 'unknown' || state === 'degraded'
    return !usable || this.#stale(tx)
  }

  /** Whether a tracked transaction is still unmined `rebroadcastAfterMs` after it was sent. */
  #stale(tx: TrackedTransaction): boolean {
    return Date.now() - tx.sentAt > this.#options.rebroadcastAfterMs
  }

  /** Makes `endpoint` hold every unmined transaction of `sender` (re-sent by hash), then binds it. */
  async #reconcile(endpoint: Endpoint, sender: string, signal: AbortSignal): Promise<void> {
    await reconcileSender(
      this.#rpc,
      this.#pending,
      endpoint,
      sender,
      this.#options.propagationGraceMs,
      signal,
    )
  }

  async #unsafe(p: JsonRpcPayload, scope: RouteScope): Promise<JsonRpcResult[]> {
    const writer = scope.affinity ?? this.#pending.writer
    return this.#rpc.execute(
      async (endpoint, ctx) => {
        const results = await this.#rpc.post(endpoint, [p], ctx)
        this.#pending.writer = endpoint.id
        scope.served?.(endpoint.id)
        return results
      },
      {
        idempotent: false,
        hedge: false,
        latest: true,
        write: true,
        ...(writer ? { affinity: writer } : {}),
      },
    )
  }
}

/** An eth_getTransactionCount at 'pending' or 'latest' (the tags a nonce is read at). */
interface CountRead {
  sender: string
  tag: 'pending' | 'latest'
}
function countRead(p: JsonRpcPayload): CountRead | undefined {
  if (p.method !== 'eth_getTransactionCount' || !Array.isArray(p.params)) return undefined
  const [sender, tag] = p.params as unknown[]
  if (typeof sender !== 'string') return undefined
  // No tag is 'latest' for geth.
  if (tag === undefined) return { sender, tag: 'latest' }
  return tag === 'pending' || tag === 'latest' ? { sender, tag } : undefined
}

/** A failed part of a mixed batch, as a JSON-RPC error answer carrying our error's code. */
function asErrorResult(p: JsonRpcPayload, error: unknown): JsonRpcResult {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  return { id: p.id, error: { code: -32603, message, data: { code } } }
}
