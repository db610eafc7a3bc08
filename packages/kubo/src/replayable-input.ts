/** Shared byte budget of one call's recorded input. */
interface Budget {
  remaining: number
  overflowed: boolean
}

function isBytesLike(x: unknown): boolean {
  return (
    typeof x === 'string' ||
    x instanceof String ||
    x instanceof ArrayBuffer ||
    ArrayBuffer.isView(x) ||
    (typeof Blob !== 'undefined' && x instanceof Blob)
  )
}

function sizeOf(x: unknown): number {
  if (typeof x === 'string') return x.length * 2
  if (ArrayBuffer.isView(x)) return x.byteLength
  if (x instanceof ArrayBuffer) return x.byteLength
  return 0
}

/**
 * Records a one-shot (async) iterable as the first reader consumes it, so a later reader (a retry
 * on another node) gets the same items: recorded ones first, then the rest of the source. Items
 * count against the call's byte budget; past it recording stops and a replay throws.
 */
class Replay<T> implements AsyncIterable<T> {
  readonly #items: T[] = []
  readonly #budget: Budget
  readonly #wrap: (item: T) => T
  #source: AsyncIterator<T> | Iterator<T> | undefined
  readonly #open: () => AsyncIterator<T> | Iterator<T>
  #done = false
  #pending: Promise<IteratorResult<T>> | undefined
  #readers = 0

  constructor(open: () => AsyncIterator<T> | Iterator<T>, budget: Budget, wrap: (item: T) => T) {
    this.#open = open
    this.#budget = budget
    this.#wrap = wrap
  }

  /** Pulls the next source item (one pull at a time, shared by concurrent readers). */
  #pull(): Promise<IteratorResult<T>> {
    this.#pending ??= (async () => {
      this.#source ??= this.#open()
      const r = await this.#source.next()
      if (r.done) {
        this.#done = true
        return r
      }
      const item = this.#wrap(r.value)
      const size = sizeOf(item)
      if (!this.#budget.overflowed && size <= this.#budget.remaining) {
        this.#budget.remaining -= size
        this.#items.push(item)
      } else {
        // Past the budget: hand the item to the reader without keeping it.
        this.#budget.overflowed = true
      }
      return { done: false, value: item } as IteratorResult<T>
    })().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    if (this.#readers++ > 0 && this.#budget.overflowed) throw new ReplayOverflow()
    let i = 0
    for (;;) {
      if (i < this.#items.length) {
        yield this.#items[i++] as T
        continue
      }
      if (this.#done) return
      const before = this.#items.length
      const r = await this.#pull()
      if (r.done) return
      if (this.#items.length > before) continue // recorded: yielded from #items next turn
      i = Number.POSITIVE_INFINITY // unrecorded: this reader can no longer index the recording
      yield r.value
    }
  }
}

/** Thrown into a retry whose input could not be fully recorded. */
export class ReplayOverflow extends Error {
  constructor() {
    super('input larger than maxReplayBytes was consumed by an earlier attempt')
    this.name = 'ReplayOverflow'
  }
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return typeof x === 'object' && x !== null && Symbol.iterator in x
}

function isReadableStream(x: unknown): x is ReadableStream<unknown> {
  return typeof ReadableStream !== 'undefined' && x instanceof ReadableStream
}

/** Makes one input value replayable: bytes stay, one-shot streams become recordings. */
function wrapValue(x: unknown, budget: Budget): unknown {
  if (x === null || x === undefined || isBytesLike(x)) return x
  const wrapItem = (item: unknown) => wrapValue(item, budget)
  if (isReadableStream(x)) {
    return new Replay(() => x.getReader() as unknown as AsyncIterator<unknown>, budget, wrapItem)
  }
  if (isAsyncIterable(x)) {
    return new Replay(() => x[Symbol.asyncIterator](), budget, wrapItem)
  }
  if (Array.isArray(x)) return x.map(wrapItem)
  if (isIterable(x)) return new Replay(() => x[Symbol.iterator](), budget, wrapItem)
  if (typeof x === 'object' && 'content' in x) {
    // ToFile: { path, content, mode, mtime } – only `content` can be one-shot.
    return { ...x, content: wrapValue((x as { content: unknown }).content, budget) }
  }
  return x
}

/** A write's input made re-readable for retries on other nodes, within a byte budget. */
export interface ReplayableInput {
  /** The value to pass to each attempt (the same object: recordings replay themselves). */
  readonly value: unknown
  /** True once the input outgrew the budget: a retry cannot resend it. */
  readonly overflowed: boolean
}

/**
 * Wraps a write's input (an `add` candidate, an `addAll` source, CAR sources…) so every attempt
 * reads the same bytes. Bytes, strings, Blobs and arrays of them need no copy; one-shot streams
 * and iterators are recorded while the first attempt sends them, up to `limitBytes`.
 */
export function replayableInput(input: unknown, limitBytes: number): ReplayableInput {
  const budget: Budget = { remaining: limitBytes, overflowed: false }
  const value = wrapValue(input, budget)
  return {
    value,
    get overflowed() {
      return budget.overflowed
    },
  }
}
