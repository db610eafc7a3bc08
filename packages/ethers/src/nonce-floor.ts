/**
 * The lowest nonce counts this provider may report per sender, from the transactions it sent
 * itself. A replica that has not yet received a sender's last transaction answers a count one
 * (or more) too low; ethers would then sign a nonce already used and the node would refuse it.
 * - `pending` count ≥ highest nonce sent (accepted by a replica, not known dropped) + 1;
 * - `latest` count ≥ highest nonce seen mined (its receipt was read) + 1.
 * A sent transaction is taken as dropped once `maxAgeMs` passed without a newer send (replicas
 * drop what they could not mine long before), so a lost transaction cannot hold the floor
 * above the chain forever (a nonce gap that would stall every later write).
 * It also keeps the raw form of each sender's last transactions, mined or not, so a replica that
 * lacks them can be given them again before it gets the next one (see `catchUpSender`).
 */
export class NonceFloor {
  readonly #sent = new Map<string, Mark>()
  readonly #mined = new Map<string, Mark>()
  readonly #raws = new Map<string, Map<number, string>>()
  readonly #holders = new Map<string, { nonce: number; endpointId: string }>()
  readonly #maxAgeMs: number
  readonly #now: () => number

  /**
   * @param maxAgeMs how long a sent transaction keeps the floor up without a newer one, in ms
   *   (default 10 minutes, like the tracking of unmined transactions)
   */
  constructor(maxAgeMs = 10 * 60_000, now: () => number = Date.now) {
    this.#maxAgeMs = maxAgeMs
    this.#now = now
  }

  /** A replica (`endpointId`, when known) accepted `from`'s transaction with `nonce` (signed `raw`). */
  sent(from: string, nonce: number, raw?: string, endpointId?: string): void {
    const now = this.#now()
    if (endpointId !== undefined && Number.isSafeInteger(nonce))
      this.#holders.set(from.toLowerCase(), { nonce, endpointId })
    for (const marks of [this.#sent, this.#mined]) {
      for (const [key, mark] of marks) {
        if (now - mark.at <= this.#maxAgeMs) continue
        marks.delete(key)
        if (!this.#sent.has(key)) {
          this.#raws.delete(key)
          this.#holders.delete(key)
        }
      }
    }
    raise(this.#sent, from, nonce, now)
    if (raw === undefined || !Number.isSafeInteger(nonce)) return
    const key = from.toLowerCase()
    const raws = this.#raws.get(key) ?? new Map<number, string>()
    raws.set(nonce, raw)
    for (const n of raws.keys()) if (n <= nonce - KEPT_RAWS) raws.delete(n)
    this.#raws.set(key, raws)
  }

  /** The replica that accepted `from`'s transaction with `nonce`, when it was the last one sent. */
  acceptedBy(from: string, nonce: number): string | undefined {
    const holder = this.#holders.get(from.toLowerCase())
    return holder?.nonce === nonce ? holder.endpointId : undefined
  }

  /** The raw transaction `from` sent with `nonce`, when it is among the last ones kept. */
  raw(from: string, nonce: number): string | undefined {
    return this.#raws.get(from.toLowerCase())?.get(nonce)
  }

  /** `from`'s transaction with `nonce` is mined (its receipt was seen). */
  mined(from: string, nonce: number): void {
    const at = this.#now()
    raise(this.#mined, from, nonce, at)
    raise(this.#sent, from, nonce, at)
  }

  /** The lowest transaction count to report for `from` at `tag`; undefined when none is known. */
  floor(from: string, tag: 'pending' | 'latest'): number | undefined {
    const marks = tag === 'pending' ? this.#sent : this.#mined
    const key = from.toLowerCase()
    const mark = marks.get(key)
    if (mark === undefined) return undefined
    if (this.#now() - mark.at > this.#maxAgeMs) {
      marks.delete(key)
      return undefined
    }
    return mark.nonce + 1
  }

  /**
   * `count` (a JSON-RPC quantity answered for `from` at `tag`) raised to the floor; the answer
   * itself when it is not a quantity or already at or above the floor.
   */
  apply(from: string, tag: 'pending' | 'latest', count: unknown): unknown {
    const floor = this.floor(from, tag)
    if (floor === undefined || typeof count !== 'string' || !/^0x[0-9a-f]+$/i.test(count))
      return count
    return BigInt(count) >= BigInt(floor) ? count : `0x${floor.toString(16)}`
  }
}

// Raw transactions kept per sender (the last nonces), to give a replica that lacks them.
const KEPT_RAWS = 64

interface Mark {
  nonce: number
  at: number
}

function raise(marks: Map<string, Mark>, from: string, nonce: number, at: number): void {
  if (!Number.isSafeInteger(nonce) || nonce < 0) return
  const key = from.toLowerCase()
  const mark = marks.get(key)
  if (mark === undefined || nonce >= mark.nonce) marks.set(key, { nonce, at })
}
