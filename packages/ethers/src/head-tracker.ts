/**
 * The highest block number this provider has seen or reported. Block numbers reported to the
 * caller never go below it, and "latest" reads go to replicas at or above it.
 */
export class HeadTracker {
  #high = -1

  /** The high-water mark, or undefined before the first observation. */
  get high(): number | undefined {
    return this.#high < 0 ? undefined : this.#high
  }

  /** Raises the mark to `n` when higher. */
  observe(n: number): void {
    if (Number.isSafeInteger(n) && n > this.#high) this.#high = n
  }

  /** Returns `n`, or the mark if `n` is lower (monotonic block numbers). */
  clamp(n: number): number {
    this.observe(n)
    return Math.max(n, this.#high)
  }
}

/** Parses a JSON-RPC quantity ("0x1a") to a number; undefined when it is not one. */
export function quantity(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^0x[0-9a-f]+$/i.test(value)) return undefined
  const n = Number.parseInt(value, 16)
  return Number.isSafeInteger(n) ? n : undefined
}
