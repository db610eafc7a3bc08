import type { Subscriber } from 'ethers'

/** What a polling subscriber needs from its provider (an ethers AbstractProvider). */
export interface PollingHost {
  getBlockNumber(): Promise<number>
  emit(event: string, ...args: unknown[]): Promise<boolean>
  _setTimeout(fn: () => void, timeout?: number): number
  _clearTimeout(timerId: number): void
}

/** The last block a provider's block subscription emitted, shared by its successive ones. */
export interface BlockCursor {
  /** Last block number emitted; undefined before the first. */
  block: number | undefined
  /** When the last subscription stopped (epoch ms); undefined while one runs. */
  stoppedAt: number | undefined
}

/**
 * A stopped block subscription resumes from its last block when restarted within this long,
 * in ms: ethers stops the subscription whenever its last listener goes (a `tx.wait()` done, a
 * filter poll in flight) and starts a new one for the next listener.
 */
export const RESUME_WITHIN_MS = 60_000

/**
 * ethers' "block" subscriber, without its gap: ethers' own starts with a bootstrap poll that
 * takes the current block as its baseline and emits nothing, so blocks mined while no listener
 * was registered are never emitted. ethers' internal listeners (a contract event filter
 * re-armed after each poll, a `tx.wait()` polling its receipt on each block) come and go, so a
 * block mined in between was lost to all of them and, when no later block came, a filter never
 * delivered its last events. This one resumes from the last block the provider emitted (see
 * {@link RESUME_WITHIN_MS}) and emits every block after it, in order.
 */
export class BlockSubscriber implements Subscriber {
  /** Polling period, in ms (kept in step with the provider's `pollingInterval`). */
  pollingInterval: number
  readonly #host: PollingHost
  readonly #cursor: BlockCursor
  readonly #now: () => number
  #timer: number | undefined
  #running = false
  // Bumped by every start and stop: a poll of an earlier run ends without rescheduling.
  #run = 0
  // Last block emitted by this subscription; -2 until the bootstrap poll.
  #last = -2

  constructor(host: PollingHost, cursor: BlockCursor, pollingInterval: number, now = Date.now) {
    this.#host = host
    this.#cursor = cursor
    this.pollingInterval = pollingInterval
    this.#now = now
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    const { block, stoppedAt } = this.#cursor
    const resumable =
      block !== undefined && stoppedAt !== undefined && this.#now() - stoppedAt <= RESUME_WITHIN_MS
    this.#last = resumable ? block : -2
    this.#cursor.stoppedAt = undefined
    void this.#poll(++this.#run)
  }

  stop(): void {
    if (!this.#running) return
    this.#running = false
    this.#run++
    this.#cursor.stoppedAt = this.#now()
    if (this.#timer !== undefined) this.#host._clearTimeout(this.#timer)
    this.#timer = undefined
  }

  pause(dropWhilePaused?: boolean): void {
    this.stop()
    if (dropWhilePaused === true) this.#cursor.block = undefined
  }

  resume(): void {
    this.start()
  }

  async #poll(run: number): Promise<void> {
    try {
      const current = await this.#host.getBlockNumber()
      if (run !== this.#run) return
      if (this.#last === -2) this.#last = current
      for (let b = this.#last + 1; b <= current && run === this.#run; b++) {
        this.#last = b
        this.#cursor.block = b
        await this.#host.emit('block', b)
      }
      if (run === this.#run) this.#cursor.block = this.#last
    } catch {
      // A failed poll (every replica down) is retried at the next interval.
    }
    if (run !== this.#run) return
    this.#timer = this.#host._setTimeout(() => void this.#poll(run), this.pollingInterval)
  }
}
