/** Where a value was written: block number and index of the transaction in the block. */
export interface KeyVersion {
  readonly block: number
  readonly tx: number
}

interface Entry extends KeyVersion {
  /** `undefined` records a deletion. */
  readonly value: Buffer | undefined
}

/**
 * The channel's key/value state with its full history, so a peer that lags at an older height
 * reads the state as it was at that height (a real lagging peer answers stale reads).
 */
export class WorldState {
  readonly #history = new Map<string, Entry[]>()

  /** The latest entry written in a block below `height`. */
  #entry(key: string, height: number): Entry | undefined {
    const entries = this.#history.get(key)
    if (entries === undefined) return undefined
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]
      if (entry !== undefined && entry.block < height) return entry
    }
    return undefined
  }

  /** The value and its version as seen by a peer at `height` (`Infinity`: latest). */
  read(
    key: string,
    height = Number.POSITIVE_INFINITY,
  ): { value: Buffer | undefined; version: KeyVersion | undefined } {
    const entry = this.#entry(key, height)
    if (entry === undefined || entry.value === undefined)
      return { value: undefined, version: undefined }
    return { value: entry.value, version: { block: entry.block, tx: entry.tx } }
  }

  /** Keys holding a value at `height`, in byte order like a LevelDB range query. */
  keys(height = Number.POSITIVE_INFINITY): string[] {
    const live: string[] = []
    for (const key of this.#history.keys())
      if (this.#entry(key, height)?.value !== undefined) live.push(key)
    return live.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  }

  write(key: string, value: Buffer | undefined, version: KeyVersion): void {
    const entries = this.#history.get(key) ?? []
    entries.push({ ...version, value })
    this.#history.set(key, entries)
  }
}

/** True when two versions are the same (both absent counts as the same). */
export function sameVersion(a: KeyVersion | undefined, b: KeyVersion | undefined): boolean {
  return a?.block === b?.block && a?.tx === b?.tx
}
