import {
  type AttemptContext,
  DeadlineExceededError,
  type Endpoint,
  type EndpointSet,
  EndpointsExhaustedError,
  type ExecuteOptions,
  NoEndpointAvailableError,
  type ShouldFailover,
} from '@steadfast/core'
import type { ChainGuard } from './chain-guard.js'
import type { HeadTracker } from './head-tracker.js'
import { HttpClient, type HttpClientOptions } from './http-client.js'
import {
  isErrorResult,
  type JsonRpcPayload,
  type JsonRpcResult,
  matchResponses,
} from './json-rpc.js'
import { RpcErrorResponse } from './transport-errors.js'

// Blocks a replica may trail the head and still take writes first: propagation in flight, and
// known heights trail by a probe period (a tighter bound would move writes between replicas).
const WRITE_LAG_BLOCKS = 2

/** Execute options plus the freshness rules. */
export interface RouteOptions extends ExecuteOptions {
  /** Prefer replicas at the highest head; fall back to lagging ones only when none answers. */
  latest?: boolean
  /** A write: never sent to a replica lagging more than maxLag. */
  write?: boolean
}

/**
 * Sends JSON-RPC payloads to one replica (after its chain check) and runs operations through the
 * endpoint set with the lag rules. Shared by the router, the filter registry and the probe.
 */
export class RpcTransport {
  readonly set: EndpointSet
  readonly guard: ChainGuard
  readonly head: HeadTracker
  readonly #clients = new Map<string, HttpClient>()
  readonly #clientOptions: HttpClientOptions
  readonly #shouldFailover: ShouldFailover
  readonly #deadlineMs: number
  #nextId = 1

  constructor(
    set: EndpointSet,
    clientOptions: HttpClientOptions,
    guard: ChainGuard,
    head: HeadTracker,
    shouldFailover: ShouldFailover,
    /** The set's overall deadline of one call, in ms (shared by the tiers of {@link execute}). */
    deadlineMs = 30_000,
  ) {
    this.set = set
    this.#deadlineMs = deadlineMs
    this.#clientOptions = clientOptions
    this.guard = guard
    this.head = head
    this.#shouldFailover = shouldFailover
  }

  /** The keep-alive client of `endpoint`. */
  client(endpoint: Endpoint): HttpClient {
    let client = this.#clients.get(endpoint.id)
    if (client === undefined) {
      client = new HttpClient(endpoint, this.#clientOptions)
      this.#clients.set(endpoint.id, client)
    }
    return client
  }

  /** Closes every pooled connection. */
  closeClients(): void {
    for (const client of this.#clients.values()) client.close()
    this.#clients.clear()
  }

  /**
   * Posts `payloads` (one, or a batch) to `endpoint` once its chain is verified. JSON-RPC error
   * answers are returned as they are unless `shouldFailover` calls them retryable (then thrown).
   */
  async post(
    endpoint: Endpoint,
    payloads: readonly JsonRpcPayload[],
    ctx: Pick<AttemptContext, 'signal' | 'attempt'>,
  ): Promise<JsonRpcResult[]> {
    await this.guard.verify(endpoint, ctx.signal)
    return this.postUnchecked(endpoint, payloads, ctx)
  }

  /** {@link post} without the chain check (for the chain check itself and the probe). */
  async postUnchecked(
    endpoint: Endpoint,
    payloads: readonly JsonRpcPayload[],
    ctx: Pick<AttemptContext, 'signal' | 'attempt'>,
  ): Promise<JsonRpcResult[]> {
    const body = payloads.length === 1 ? payloads[0] : payloads
    const answer = await this.client(endpoint).post(JSON.stringify(body), ctx.signal)
    const results = matchResponses(payloads, answer, endpoint.redactedUrl)
    payloads.forEach((p, i) => {
      const r = results[i]
      if (r === undefined || !isErrorResult(r)) return
      const error = new RpcErrorResponse(p.method, r.error, { endpoint: endpoint.redactedUrl })
      if (this.#shouldFailover(error, { endpoint, attempt: ctx.attempt }) !== 'fatal') throw error
    })
    return results
  }

  /** Calls one method on `endpoint`; a JSON-RPC error answer is thrown as RpcErrorResponse. */
  async call(
    endpoint: Endpoint,
    method: string,
    params: readonly unknown[],
    signal: AbortSignal,
  ): Promise<unknown> {
    const [r] = await this.post(endpoint, [this.payload(method, params)], { signal, attempt: 1 })
    if (r === undefined) throw new Error('unreachable: no result')
    if (isErrorResult(r))
      throw new RpcErrorResponse(method, r.error, { endpoint: endpoint.redactedUrl })
    return r.result
  }

  /**
   * Records that `endpoint` holds block `n` (a receipt or a log it served): raises its known
   * height, never lowers it, so "latest" reads keep going to the replica that has the block.
   */
  noteBlock(endpoint: Endpoint, n: number): void {
    this.head.observe(n)
    const known = this.set.status().find((s) => s.id === endpoint.id)?.height
    if (known === undefined || n > known) this.set.reportSuccess(endpoint.id, { height: n })
  }

  /** A payload with an id of this transport's own sequence. */
  payload(method: string, params: readonly unknown[]): JsonRpcPayload {
    return { jsonrpc: '2.0', id: this.#nextId++, method, params }
  }

  /**
   * Runs `op` through the set. With `latest`, in tiers: replicas at or above the highest head
   * seen, or the best replica's when lower (`HeadTracker.reachable`; not lagging more than
   * maxLag; reads only); if none can serve, any replica not lagging
   * more than maxLag (their known heights may trail by a probe period); then, for reads only,
   * lagging ones. The tiers share one deadline (`deadlineMs`, else the set's): a call never
   * runs longer than that, whatever the tiers.
   */
  async execute<T>(
    op: (endpoint: Endpoint, ctx: AttemptContext) => Promise<T>,
    options: RouteOptions,
  ): Promise<T> {
    const { latest, write, ...base } = options
    if (latest !== true) return this.set.execute(op, base)
    const minHeight = this.head.reachable
    const tiers: ExecuteOptions[] = []
    // Writes do not need the very highest replica: known heights trail by a probe period, and
    // moving writes to whichever replica looks highest would make two writers. But one clearly
    // behind the head (a lagging or paused-then-resumed writer) would queue a transaction on a
    // stale state or mine it on a fork of its own: writes first go to replicas within
    // WRITE_LAG_BLOCKS of the head, then to any not lagging more than maxLag.
    if (minHeight !== undefined && write !== true) tiers.push({ ...base, fresh: true, minHeight })
    if (minHeight !== undefined && write === true)
      tiers.push({ ...base, fresh: true, minHeight: Math.max(0, minHeight - WRITE_LAG_BLOCKS) })
    tiers.push({ ...base, fresh: true })
    if (write !== true) tiers.push(base)
    let first: unknown
    const tried: string[] = [...(base.exclude ?? [])]
    const deadlineMs = base.deadlineMs ?? this.#deadlineMs
    const until = Date.now() + deadlineMs
    for (const tier of tiers) {
      const left = until - Date.now()
      if (left <= 0) throw first ?? new DeadlineExceededError(deadlineMs)
      try {
        return await this.set.execute(op, { ...tier, exclude: tried, deadlineMs: left })
      } catch (error) {
        first ??= error
        const idempotent = base.idempotent !== false
        const none = error instanceof NoEndpointAvailableError
        if (!none && !(idempotent && error instanceof EndpointsExhaustedError)) throw error
        if (base.signal?.aborted === true) throw first
        if (error instanceof EndpointsExhaustedError) tried.push(...error.attempts.map((a) => a.id))
      }
    }
    throw first
  }
}
