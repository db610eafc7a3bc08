/** A node sent nothing for `ms` while the stream was waiting for it. */
export class StreamIdleTimeout extends Error {
  constructor(ms: number) {
    super(`no data for ${ms} ms`)
    this.name = 'TimeoutError'
  }
}

/** A node sent data, but slower than the minimum rate over a whole window (a slow-loris). */
export class StreamTooSlow extends Error {
  constructor(bytes: number, waitedMs: number, minBytesPerSecond: number) {
    super(
      `${bytes} bytes in ${Math.round(waitedMs)} ms of waiting, below ${minBytesPerSecond} bytes/s`,
    )
    this.name = 'TimeoutError'
  }
}

/**
 * Watches one open stream of one node, counting only time spent waiting for the node (while the
 * caller holds a chunk nothing counts, so a slow consumer never trips it):
 * - idle: after `idleMs` of silence it aborts the request, which fails the pending read;
 * - throughput (byte streams): over every `idleMs` of waiting, at least `minBytesPerSecond`
 *   must arrive on average, else the node is trickling (each byte re-arms the idle timer, so idle alone would
 *   never fire): the chunk that closed the window is still delivered, the next read throws.
 * One timer per stream, re-armed with `refresh()` (no allocation per chunk).
 */
export class StreamWatch {
  #waiting = false
  #waitedMs = 0
  #bytes = 0
  #failure: Error | undefined
  readonly #timer: NodeJS.Timeout

  constructor(
    private readonly idleMs: number,
    private readonly minBytesPerSecond: number,
    private readonly controller: AbortController,
  ) {
    this.#timer = setTimeout(() => {
      if (this.#waiting) controller.abort(new StreamIdleTimeout(idleMs))
      else this.#timer.refresh()
    }, idleMs)
    this.#timer.unref()
  }

  async next<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T>> {
    if (this.#failure) throw this.#failure
    this.#waiting = true
    this.#timer.refresh()
    const started = performance.now()
    let r: IteratorResult<T>
    try {
      r = await iterator.next()
    } finally {
      this.#waiting = false
    }
    if (!r.done) this.#measure(r.value, performance.now() - started)
    return r
  }

  #measure(value: unknown, waitedMs: number): void {
    // Only byte streams have a rate; item streams (`ls`, `pin.ls`) have the idle timeout alone.
    if (this.minBytesPerSecond <= 0 || !(value instanceof Uint8Array)) return
    this.#waitedMs += waitedMs
    this.#bytes += value.byteLength
    if (this.#waitedMs < this.idleMs) return
    if ((this.#bytes * 1000) / this.#waitedMs < this.minBytesPerSecond) {
      this.#failure = new StreamTooSlow(this.#bytes, this.#waitedMs, this.minBytesPerSecond)
      this.controller.abort(this.#failure)
    }
    this.#waitedMs = 0
    this.#bytes = 0
  }

  stop(): void {
    clearTimeout(this.#timer)
  }
}
