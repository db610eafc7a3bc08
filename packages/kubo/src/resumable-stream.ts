import {
  AbortedError,
  type AttemptContext,
  DeadlineExceededError,
  type Endpoint,
  type EndpointSet,
  type ExecuteOptions,
  type FailureKind,
  NoEndpointAvailableError,
} from '@steadfast/core'
import type { ResumeMode } from './call-rules.js'
import { MAX_TIMER_MS } from './check-kubo-options.js'
import { StreamInterruptedError } from './errors/kubo-errors.js'
import { withLastResort } from './last-resort.js'
import { StreamIdleTimeout, StreamTooSlow, StreamWatch } from './stream-watch.js'

/** What one streaming call needs from the failover client. */
export interface StreamCall<T> {
  /** Dotted call name, for errors. */
  readonly call: string
  readonly mode: ResumeMode
  /**
   * Opens the stream on `endpoint`. `deliveredBytes` is what the caller already has (for
   * `offset` mode the stream must start there).
   */
  open(endpoint: Endpoint, signal: AbortSignal, deliveredBytes: number): AsyncIterable<T>
  /** Key of an item for `dedupe` mode. */
  key?(item: T): string
  /**
   * Longest silence between two chunks before the node is given up on, in ms; also the window
   * (of time spent waiting for the node) over which `minBytesPerSecond` is averaged.
   */
  readonly idleTimeoutMs: number
  /** Slowest average byte rate tolerated from a node per window, in bytes/s. 0 or absent: none. */
  readonly minBytesPerSecond?: number
  /** Overall deadline of the call (open, reads and resumes), in ms. Absent: none. */
  readonly deadlineMs?: number
  /** A content read: before failing to open, try the nodes the set holds back (`withLastResort`). */
  readonly lastResort?: boolean
  /** How many times a broken stream may move to another node. */
  readonly maxResumes: number
  readonly classify: (error: unknown, endpoint: Endpoint) => FailureKind
  /** Removes the endpoint's secrets from an error before it goes anywhere. */
  readonly scrub?: (error: unknown, endpoint: Endpoint) => unknown
  /** Options for opening (reaching the first item) through the set. */
  readonly execute: ExecuteOptions
}

interface Opened<T> {
  endpoint: Endpoint
  iterator: AsyncIterator<T>
  first: IteratorResult<T>
  controller: AbortController
}

/** Aborts `target` when `source` aborts; returns the unlink function. */
function link(source: AbortSignal | undefined, target: AbortController): () => void {
  if (source === undefined) return () => undefined
  if (source.aborted) {
    target.abort(source.reason)
    return () => undefined
  }
  const onAbort = () => target.abort(source.reason)
  source.addEventListener('abort', onAbort, { once: true })
  return () => source.removeEventListener('abort', onAbort)
}

function byteLength(item: unknown): number {
  return item instanceof Uint8Array ? item.byteLength : 0
}

class StreamDeadline extends Error {
  constructor(readonly ms: number) {
    super(`stream deadline of ${ms} ms exceeded`)
    this.name = 'TimeoutError'
  }
}

/**
 * The life of one stream call: aborted by the caller's signal or by the overall deadline
 * (open, reads and every resume together). The timer is unref'd.
 */
class StreamLife {
  readonly controller = new AbortController()
  readonly #unlink: () => void
  readonly #timer: NodeJS.Timeout | undefined
  constructor(
    private readonly user: AbortSignal | undefined,
    deadlineMs: number,
  ) {
    this.#unlink = link(user, this.controller)
    // Past setTimeout's range (a per-call `timeout` of '1000h'): no deadline, not an instant one.
    if (deadlineMs <= MAX_TIMER_MS) {
      this.#timer = setTimeout(
        () => this.controller.abort(new StreamDeadline(deadlineMs)),
        deadlineMs,
      )
      this.#timer.unref()
    }
  }
  get signal(): AbortSignal {
    return this.controller.signal
  }
  /** The typed error to throw once the life has ended (`last`: the node's own failure). */
  ended(last?: unknown): Error | undefined {
    if (!this.signal.aborted) return undefined
    const reason: unknown = this.signal.reason
    if (reason instanceof StreamDeadline)
      return new DeadlineExceededError(reason.ms, last === undefined ? {} : { cause: last })
    return new AbortedError({ cause: this.user?.reason ?? reason })
  }
  stop(): void {
    this.#unlink()
    if (this.#timer) clearTimeout(this.#timer)
  }
}

/**
 * A streaming call over the set: opened through `execute` (fail over until the first item), then
 * read under a `StreamWatch` (idle timeout, minimum byte rate); when its node fails, goes silent
 * or trickles midway it reopens on another node and continues per `mode`, so the caller receives
 * every byte or item exactly once. The caller's signal and `deadlineMs` bound the whole call.
 */
export async function* resumableStream<T>(
  set: EndpointSet,
  spec: StreamCall<T>,
): AsyncGenerator<T, void, undefined> {
  const life = new StreamLife(spec.execute.signal, spec.deadlineMs ?? Number.POSITIVE_INFINITY)
  let bytes = 0 // bytes delivered to the caller
  let items = 0 // items delivered to the caller
  const seen = new Set<string>()
  let resumes = 0
  let exclude: string[] = []
  let last: unknown // the last node failure, cause of a deadline
  try {
    for (;;) {
      let opened: Opened<T>
      try {
        opened = await openStream(set, spec, bytes, exclude, life.signal)
      } catch (err) {
        throw life.ended(last ?? err) ?? err
      }
      const { endpoint, iterator, controller } = opened
      const unlinkLife = link(life.signal, controller)
      // After a reopen, drop what the caller already has (mode permitting).
      let skipBytes = spec.mode === 'skipBytes' ? bytes : 0
      let skipItems = spec.mode === 'skipItems' ? items : 0
      let finished = false
      const watch = new StreamWatch(spec.idleTimeoutMs, spec.minBytesPerSecond ?? 0, controller)
      try {
        let r = opened.first
        while (!r.done) {
          let value: T | undefined = r.value
          if (skipItems > 0) {
            skipItems--
            value = undefined
          } else if (skipBytes > 0 && value instanceof Uint8Array) {
            const drop = Math.min(skipBytes, value.byteLength)
            skipBytes -= drop
            value = drop === value.byteLength ? undefined : (value.subarray(drop) as T)
          } else if (spec.mode === 'dedupe' && spec.key) {
            const k = spec.key(value)
            if (seen.has(k)) value = undefined
            else seen.add(k)
          }
          if (value !== undefined) {
            bytes += byteLength(value)
            items++
            yield value
          }
          r = await watch.next(iterator)
        }
        finished = true
        set.reportSuccess(endpoint.id)
        return
      } catch (thrown) {
        const ended = life.ended(last)
        if (ended) throw ended
        const reason: unknown = controller.signal.reason
        // Our own verdicts (silent, trickling) always move on; anything else is classified.
        const ours = reason instanceof StreamIdleTimeout || reason instanceof StreamTooSlow
        const err = ours ? reason : spec.scrub ? spec.scrub(thrown, endpoint) : thrown
        if (!ours && spec.classify(err, endpoint) === 'fatal') throw err
        last = err
        set.reportFailure(endpoint.id, err)
        if ((spec.mode === 'none' && items > 0) || ++resumes > spec.maxResumes)
          throw new StreamInterruptedError(spec.call, items, endpoint.redactedUrl, err)
        exclude = set.endpoints.length > 1 ? [endpoint.id] : []
      } finally {
        watch.stop()
        unlinkLife()
        if (!finished) {
          controller.abort()
          void iterator.return?.().catch(() => undefined)
        }
      }
    }
  } finally {
    life.stop()
  }
}

/**
 * Opens on another node than `exclude` if one can serve; when none can (the others are down,
 * cordoned or unhealthy while the failed node still counts as usable), reopens on any node the
 * set offers, the failed one included, rather than failing a stream that could go on.
 */
async function openStream<T>(
  set: EndpointSet,
  spec: StreamCall<T>,
  deliveredBytes: number,
  exclude: readonly string[],
  signal: AbortSignal,
): Promise<Opened<T>> {
  if (exclude.length === 0) return openOn(set, spec, deliveredBytes, [], signal)
  try {
    return await openOn(set, spec, deliveredBytes, exclude, signal)
  } catch (err) {
    if (!(err instanceof NoEndpointAvailableError)) throw err
    return openOn(set, spec, deliveredBytes, [], signal)
  }
}

async function openOn<T>(
  set: EndpointSet,
  spec: StreamCall<T>,
  deliveredBytes: number,
  exclude: readonly string[],
  signal: AbortSignal,
): Promise<Opened<T>> {
  const op = async (endpoint: Endpoint, ctx: AttemptContext): Promise<Opened<T>> => {
    const controller = new AbortController()
    const unlinkAttempt = link(ctx.signal, controller)
    try {
      const iterator = spec
        .open(endpoint, controller.signal, deliveredBytes)
        [Symbol.asyncIterator]()
      const first = await iterator.next()
      return { endpoint, iterator, first, controller }
    } catch (err) {
      controller.abort()
      throw spec.scrub ? spec.scrub(err, endpoint) : err
    } finally {
      // The stream outlives the attempt: only its life (signal, deadline) and watch end it now.
      unlinkAttempt()
    }
  }
  const options = {
    ...spec.execute,
    signal,
    hedge: false,
    ...(exclude.length > 0 ? { exclude } : {}),
  }
  return spec.lastResort
    ? withLastResort(set, (o) => set.execute(op, o), options)
    : set.execute(op, options)
}
