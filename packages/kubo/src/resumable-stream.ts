import {
  AbortedError,
  type Endpoint,
  type EndpointSet,
  type ExecuteOptions,
  type FailureKind,
} from '@steadfast/core'
import type { ResumeMode } from './call-rules.js'
import { StreamInterruptedError } from './errors/kubo-errors.js'

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
  /** Longest silence between two chunks before the node is given up on, in ms. */
  readonly idleTimeoutMs: number
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

class StreamIdleTimeout extends Error {
  constructor(ms: number) {
    super(`no data for ${ms} ms`)
    this.name = 'TimeoutError'
  }
}

/**
 * One idle timer per stream, re-armed on every read (`refresh()`, no allocation per chunk).
 * Only time spent waiting for the node counts: while the caller holds a chunk it never fires.
 * After `ms` of silence it aborts the request, which fails the pending read.
 */
class IdleWatch {
  waiting = false
  readonly #timer: NodeJS.Timeout
  constructor(ms: number, controller: AbortController) {
    this.#timer = setTimeout(() => {
      if (this.waiting) controller.abort(new StreamIdleTimeout(ms))
      else this.#timer.refresh()
    }, ms)
    this.#timer.unref()
  }
  async next<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
    this.waiting = true
    this.#timer.refresh()
    try {
      return await iterator.next()
    } finally {
      this.waiting = false
    }
  }
  stop(): void {
    clearTimeout(this.#timer)
  }
}

function byteLength(item: unknown): number {
  return item instanceof Uint8Array ? item.byteLength : 0
}

/**
 * A streaming call over the set: opened through `execute` (fail over until the first item), then
 * read with an idle timeout; when its node fails midway it reopens on another node and continues
 * per `mode`, so the caller receives every byte or item exactly once.
 */
export async function* resumableStream<T>(
  set: EndpointSet,
  spec: StreamCall<T>,
): AsyncGenerator<T, void, undefined> {
  const userSignal = spec.execute.signal
  let bytes = 0 // bytes delivered to the caller
  let items = 0 // items delivered to the caller
  const seen = new Set<string>()
  let resumes = 0
  let exclude: string[] = []
  for (;;) {
    const opened = await openStream(set, spec, bytes, exclude)
    const { endpoint, iterator, controller } = opened
    const unlinkUser = link(userSignal, controller)
    // After a reopen, drop what the caller already has (mode permitting).
    let skipBytes = spec.mode === 'skipBytes' ? bytes : 0
    let skipItems = spec.mode === 'skipItems' ? items : 0
    let finished = false
    const idle = new IdleWatch(spec.idleTimeoutMs, controller)
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
        r = await idle.next(iterator)
      }
      finished = true
      set.reportSuccess(endpoint.id)
      return
    } catch (thrown) {
      if (userSignal?.aborted) throw new AbortedError({ cause: userSignal.reason })
      const reason: unknown = controller.signal.reason
      const raw = reason instanceof StreamIdleTimeout ? reason : thrown
      const err = spec.scrub ? spec.scrub(raw, endpoint) : raw
      const kind = spec.classify(err, endpoint)
      if (kind === 'fatal') throw err
      set.reportFailure(endpoint.id, err)
      if ((spec.mode === 'none' && items > 0) || ++resumes > spec.maxResumes)
        throw new StreamInterruptedError(spec.call, items, endpoint.redactedUrl, err)
      exclude = set.endpoints.length > 1 ? [endpoint.id] : []
    } finally {
      idle.stop()
      unlinkUser()
      if (!finished) {
        controller.abort()
        void iterator.return?.().catch(() => undefined)
      }
    }
  }
}

async function openStream<T>(
  set: EndpointSet,
  spec: StreamCall<T>,
  deliveredBytes: number,
  exclude: readonly string[],
): Promise<Opened<T>> {
  return set.execute(
    async (endpoint, ctx) => {
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
        // The stream outlives the attempt: only the caller's signal and the idle timer end it now.
        unlinkAttempt()
      }
    },
    { ...spec.execute, hedge: false, ...(exclude.length > 0 ? { exclude } : {}) },
  )
}
