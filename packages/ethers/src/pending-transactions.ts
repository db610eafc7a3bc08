import { Transaction } from 'ethers'

/** A transaction this provider sent and has not yet seen mined. */
export interface TrackedTransaction {
  readonly hash: string
  readonly raw: string
  readonly from: string
  readonly nonce: number
  /** Replica that last accepted it. */
  endpointId: string
  sentAt: number
}

/** Decodes a signed raw transaction; undefined when it is not one. */
export function decodeRawTransaction(
  raw: unknown,
): { hash: string; from: string; nonce: number } | undefined {
  if (typeof raw !== 'string') return undefined
  try {
    const tx = Transaction.from(raw)
    if (tx.hash === null || tx.from === null) return undefined
    return { hash: tx.hash, from: tx.from.toLowerCase(), nonce: tx.nonce }
  } catch {
    return undefined
  }
}

/**
 * The transactions sent through this provider until their receipt is seen, per sender. It
 * gives the replica each sender last used (its nonce, send and receipt stay there) and the
 * transactions to re-send when a sender's flow moves to a replica that never received them.
 */
export class PendingTransactions {
  /** The replica that took the last write: writes stay there while it works (one writer). */
  writer: string | undefined
  readonly #byHash = new Map<string, TrackedTransaction>()
  readonly #senderEndpoint = new Map<string, string>()
  readonly #maxAgeMs: number
  readonly #now: () => number

  constructor(maxAgeMs = 10 * 60_000, now: () => number = Date.now) {
    this.#maxAgeMs = maxAgeMs
    this.#now = now
  }

  /** Records a transaction accepted by `endpointId`. */
  record(
    raw: string,
    decoded: { hash: string; from: string; nonce: number },
    endpointId: string,
  ): void {
    this.#prune()
    const hash = decoded.hash.toLowerCase()
    this.#byHash.set(hash, { ...decoded, hash, raw, endpointId, sentAt: this.#now() })
    this.#senderEndpoint.set(decoded.from, endpointId)
  }

  /** The replica that holds `from`'s flow, if any. */
  endpointOf(from: string): string | undefined {
    return this.#senderEndpoint.get(from.toLowerCase())
  }

  /** Moves `from`'s flow to `endpointId` (after a failover). */
  moveSender(from: string, endpointId: string): void {
    this.#senderEndpoint.set(from.toLowerCase(), endpointId)
  }

  get(hash: string): TrackedTransaction | undefined {
    return this.#byHash.get(hash.toLowerCase())
  }

  /** Forgets a transaction once its receipt is seen (and every lower nonce of its sender). */
  mined(hash: string): void {
    const tx = this.#byHash.get(hash.toLowerCase())
    if (tx === undefined) return
    for (const other of this.#byHash.values()) {
      if (other.from === tx.from && other.nonce <= tx.nonce) this.#byHash.delete(other.hash)
    }
  }

  /** `from`'s unmined transactions with a nonce at or above `fromNonce`, in nonce order. */
  unmined(from: string, fromNonce = 0): TrackedTransaction[] {
    const sender = from.toLowerCase()
    return [...this.#byHash.values()]
      .filter((t) => t.from === sender && t.nonce >= fromNonce)
      .sort((a, b) => a.nonce - b.nonce)
  }

  #prune(): void {
    const oldest = this.#now() - this.#maxAgeMs
    for (const [hash, tx] of this.#byHash) if (tx.sentAt < oldest) this.#byHash.delete(hash)
  }
}
