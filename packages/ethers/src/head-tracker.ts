/**
 * The highest block number this provider has seen or reported: from answers (block numbers,
 * receipts, logs) and from the replicas' probed heights (`best`). Block numbers reported to the
 * caller never go below it, and "latest" reads go to replicas at or above it (monotonic reads:
 * a replica left behind, by lag or a pause, is not read while another is known to be ahead).
 */
export class HeadTracker {
  #high = -1
  #answered = -1
  readonly #best: () => number | undefined

  /** @param best the best height the replicas' probes reported (the endpoint set's). */
  constructor(best: () => number | undefined = () => undefined) {
    this.#best = best
  }

  /** The high-water mark, or undefined before the first observation. */
  get high(): number | undefined {
    const best = this.#best()
    if (best !== undefined) this.observe(best)
    return this.#high < 0 ? undefined : this.#high
  }

  /**
   * The highest block a replica is known to hold now: the mark, or the replicas' best probed
   * height when that is lower (after a reorg to a shorter chain, or when the replica that
   * served the mark is gone). What "latest" reads and filter catch-ups aim at: none can reach
   * the mark until the chain grows past it again.
   */
  get reachable(): number | undefined {
    const high = this.high
    const best = this.#best()
    return high === undefined || best === undefined ? high : Math.min(high, best)
  }

  /** Raises the mark to `n` when higher. */
  observe(n: number): void {
    if (Number.isSafeInteger(n) && n > this.#high) this.#high = n
  }

  /**
   * The block number to answer the caller for a replica's `n`: the mark (never below an earlier
   * answer); with `holdBack`, the previous answer instead of a higher one (the next call gives
   * it), for a moment the caller could not act on a new block (see FilterRegistry.polling).
   */
  answer(n: number, holdBack: boolean): number {
    const high = this.clamp(n)
    if (holdBack && this.#answered >= 0) return this.#answered
    this.#answered = high
    return high
  }

  /** Returns `n`, or the mark if `n` is lower (monotonic block numbers). */
  clamp(n: number): number {
    this.observe(n)
    return Math.max(n, this.high ?? n)
  }
}

/** Parses a JSON-RPC quantity ("0x1a") to a number; undefined when it is not one. */
export function quantity(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^0x[0-9a-f]+$/i.test(value)) return undefined
  const n = Number.parseInt(value, 16)
  return Number.isSafeInteger(n) ? n : undefined
}
