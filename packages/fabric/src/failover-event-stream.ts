import type { CallOptions } from '@grpc/grpc-js'
import type { CloseableAsyncIterable, EventsOptions, Gateway } from '@hyperledger/fabric-gateway'
import type { Endpoint, EndpointState, FailureKind } from '@steadfast/core'
import { attemptCallOptions } from './call-options.js'
import { chainHeight } from './chain-height.js'
import { StreamEndedError } from './errors/fabric-errors.js'
import type { EventCursor } from './event-cursor.js'
import type { FailoverRuntime } from './failover-runtime.js'
import { linkedSignal } from './linked-signal.js'
import type { PeerConnection } from './peer-connection.js'

/** Opens the underlying stream on one peer's gateway from a position. */
export type EventOpener<T> = (
  gateway: Gateway,
  position: EventsOptions,
  options: CallOptions,
) => Promise<CloseableAsyncIterable<T>>

/** How a stream is opened. */
export interface EventStreamOptions<T> {
  cursor: EventCursor<T>
  opener: EventOpener<T>
  /** Channel whose height pins a "next commit" start, so a reopened stream loses nothing. */
  channelName: string | undefined
  defaults: (() => CallOptions) | undefined
  perCall: CallOptions | undefined
  signal: AbortSignal | undefined
}

interface Held<T> {
  conn: PeerConnection
  stream: CloseableAsyncIterable<T>
  iterator: AsyncIterator<T>
  /** The first read, started at open so a stream error always has a reader. */
  prefetched: Promise<IteratorResult<T>> | undefined
  handover: boolean
  /** Lets go of the abort sources. */
  dispose(): void
}

const LEAVE_STATES: ReadonlySet<EndpointState> = new Set([
  'degraded',
  'unhealthy',
  'ejected',
  'cordoned',
  'quarantined',
])
const MAX_BACKOFF_MS = 2_000
const RETRYABLE_DELIVER_STATUS = /Unexpected status response: (500|503)\b/

/**
 * An event stream that survives its peer: it keeps a cursor of what it delivered, and when the
 * peer fails (or on a rebalance, or when its connection is replaced) it reopens on another peer
 * from that checkpoint. The application sees every event exactly once, in order.
 */
export class FailoverEventStream<T> implements CloseableAsyncIterable<T> {
  readonly #rt: FailoverRuntime
  readonly #o: EventStreamOptions<T>
  readonly #abort = new AbortController()
  readonly #disposers: Array<() => void> = []
  #held: Held<T> | undefined
  #lastFailed: string | undefined
  #failures = 0
  #backoffDue = false

  constructor(runtime: FailoverRuntime, options: EventStreamOptions<T>) {
    this.#rt = runtime
    this.#o = options
  }

  /** Pins the start position and opens the first underlying stream. */
  async start(): Promise<this> {
    const { cursor, channelName, signal } = this.#o
    const onAbort = () => this.close()
    signal?.addEventListener('abort', onAbort, { once: true })
    this.#disposers.push(() => signal?.removeEventListener('abort', onAbort))
    if (!cursor.positioned && channelName !== undefined) await this.#pin(channelName, signal)
    const { set, pool, streams } = this.#rt
    streams.add(this)
    this.#disposers.push(
      () => streams.delete(this),
      set.on('rebalance', () => this.#moveIfElsewhere()),
      set.on('stateChange', (e) => {
        if (e.endpoint === this.#held?.conn.endpoint.id && LEAVE_STATES.has(e.to)) {
          this.#moveIfElsewhere()
        }
      }),
      pool.onRotate((old) => {
        if (old === this.#held?.conn) this.#handover()
      }),
    )
    await this.#openWithRetry()
    return this
  }

  /**
   * Pins a "next commit" start at the current height, so a stream that moves before its first
   * event loses nothing. Where qscc is not allowed the stream starts at the next commit and is
   * positioned by its first event instead.
   */
  async #pin(channelName: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      const height = await this.#rt.executor.run(
        'evaluate',
        (conn, options) => chainHeight(conn.gateway, channelName, options),
        signal ? { signal } : undefined,
      )
      this.#o.cursor.pin(BigInt(height))
    } catch (error) {
      if (signal?.aborted) throw error
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.#run()
  }

  close(): void {
    if (this.#abort.signal.aborted) return
    this.#abort.abort()
    for (const dispose of this.#disposers.splice(0)) dispose()
    if (this.#held) this.#release(this.#held)
  }

  [Symbol.dispose](): void {
    this.close()
  }

  get #closed(): boolean {
    return this.#abort.signal.aborted
  }

  async *#run(): AsyncGenerator<T, void, undefined> {
    try {
      while (!this.#closed) {
        const held = this.#held ?? (await this.#openWithRetry())
        if (!held) return
        let result: IteratorResult<T>
        const read = held.prefetched ?? held.iterator.next()
        held.prefetched = undefined
        try {
          result = await read
        } catch (error) {
          this.#dropped(held, error)
          continue
        }
        if (result.done) {
          this.#dropped(held, new StreamEndedError(held.conn.endpoint.redactedUrl))
          continue
        }
        if (this.#o.cursor.accept(result.value)) {
          this.#failures = 0
          yield result.value
        }
        if (held.handover) this.#release(held)
      }
    } finally {
      this.close()
    }
  }

  /** The stream broke: hand over, fail over, or (for an answer from Fabric) throw. */
  #dropped(held: Held<T>, error: unknown): void {
    this.#release(held)
    if (this.#closed || held.handover) return
    if (this.#classify(held.conn.endpoint, error) === 'fatal') throw error
    this.#rt.set.reportFailure(held.conn.endpoint.id, error)
    this.#lastFailed = held.conn.endpoint.id
    this.#backoffDue = true
  }

  #classify(endpoint: Endpoint, error: unknown): FailureKind {
    if (error instanceof StreamEndedError) return 'retryable'
    const message = (error as { message?: unknown })?.message
    if (typeof message === 'string' && RETRYABLE_DELIVER_STATUS.test(message)) return 'retryable'
    return this.#rt.shouldFailover(error, { endpoint, attempt: 1, operation: 'events' })
  }

  #release(held: Held<T>): void {
    held.stream.close()
    held.dispose()
    if (this.#held === held) this.#held = undefined
  }

  #moveIfElsewhere(): void {
    const held = this.#held
    const target = this.#rt.set.current()
    if (held && target && target.id !== held.conn.endpoint.id) this.#handover()
  }

  /** Closes the current stream; the loop reopens from the cursor on the current peer. */
  #handover(): void {
    const held = this.#held
    if (!held || held.handover) return
    this.#lastFailed = undefined
    held.handover = true
    held.stream.close()
  }

  #target(): Endpoint | undefined {
    const { set } = this.#rt
    const failed = this.#lastFailed
    const current = set.current()
    if (current && current.id !== failed) return current
    return (failed ? set.pick({ exclude: [failed] }) : set.pick()) ?? current
  }

  async #openWithRetry(): Promise<Held<T> | undefined> {
    while (!this.#closed) {
      if (this.#backoffDue) await this.#backoff()
      this.#backoffDue = true
      const endpoint = this.#target()
      if (endpoint) {
        try {
          this.#held = await this.#open(endpoint)
          this.#backoffDue = false
          return this.#held
        } catch (error) {
          if (this.#closed) return undefined
          if (this.#classify(endpoint, error) === 'fatal') throw error
          this.#rt.set.reportFailure(endpoint.id, error)
          this.#lastFailed = endpoint.id
        }
      }
    }
    return undefined
  }

  async #open(endpoint: Endpoint): Promise<Held<T>> {
    const conn = this.#rt.pool.get(endpoint)
    const linked = linkedSignal([this.#abort.signal, conn.drainSignal])
    const options = attemptCallOptions(undefined, linked.signal, this.#o.defaults, this.#o.perCall)
    let stream: CloseableAsyncIterable<T>
    try {
      stream = await this.#o.opener(conn.gateway, this.#o.cursor.position(), options)
    } catch (error) {
      linked.dispose()
      throw error
    }
    const iterator = stream[Symbol.asyncIterator]()
    // grpc-js emits a stream's error as an event: without a pending read, a stream cancelled
    // before the application iterates would crash the process with an unhandled 'error'.
    const prefetched = iterator.next()
    prefetched.catch(() => {})
    return { conn, stream, iterator, prefetched, handover: false, dispose: linked.dispose }
  }

  #backoff(): Promise<void> {
    const delay = Math.min(MAX_BACKOFF_MS, 50 * 2 ** this.#failures++)
    return new Promise((resolve) => {
      const timer = setTimeout(done, delay)
      timer.unref()
      const signal = this.#abort.signal
      signal.addEventListener('abort', done, { once: true })
      function done() {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
    })
  }
}
