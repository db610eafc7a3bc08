import type { Subscriber } from 'ethers'

/** What a block-and-timer poller needs from its provider (an ethers AbstractProvider). */
export interface PollerHost {
  on(event: string, listener: (...args: unknown[]) => void): Promise<unknown>
  off(event: string, listener: (...args: unknown[]) => void): Promise<unknown>
  _setTimeout(fn: () => void, timeout?: number): number
  _clearTimeout(timerId: number): void
}

/**
 * The scheduling of a subscriber that polls on start, on every new block and every
 * `pollingInterval` (ethers' own poll once per new block only, so what a block already reported
 * holds was never asked for again when no later block came). One poll at a time: a trigger
 * during one runs another right after it. A subclass says what one poll does; its
 * `isCurrent()` turns false once the subscription stopped or restarted, so a late answer is
 * dropped instead of emitted.
 */
export abstract class BlockAndTimerPoller implements Subscriber {
  /** Polling period, in ms (kept in step with the provider's `pollingInterval`). */
  pollingInterval: number
  readonly #host: PollerHost
  #timer: number | undefined
  // Bumped by every start and stop: a poll of an earlier run ends without rescheduling.
  #run = 0
  #running = false
  #inFlight = false
  #again = false
  readonly #onBlock = () => void this.#poll(this.#run)

  constructor(host: PollerHost, pollingInterval: number) {
    this.#host = host
    this.pollingInterval = pollingInterval
  }

  /** One poll; failures are the subclass's to swallow (the next trigger polls again). */
  protected abstract pollOnce(isCurrent: () => boolean): Promise<void>

  start(): void {
    if (this.#running) return
    this.#running = true
    void this.#host.on('block', this.#onBlock)
    void this.#poll(++this.#run)
  }

  stop(): void {
    this.halt()
  }

  pause(_dropWhilePaused?: boolean): void {
    this.halt()
  }

  resume(): void {
    this.start()
  }

  /** Stops polling: no block listener, no timer; a poll in flight emits nothing. */
  protected halt(): void {
    if (!this.#running) return
    this.#running = false
    this.#run++
    void this.#host.off('block', this.#onBlock)
    if (this.#timer !== undefined) this.#host._clearTimeout(this.#timer)
    this.#timer = undefined
  }

  async #poll(run: number): Promise<void> {
    if (run !== this.#run) return
    if (this.#inFlight) {
      this.#again = true
      return
    }
    this.#inFlight = true
    if (this.#timer !== undefined) this.#host._clearTimeout(this.#timer)
    this.#timer = undefined
    try {
      await this.pollOnce(() => run === this.#run)
    } finally {
      this.#inFlight = false
    }
    if (!this.#running) return
    // Asked again meanwhile, or restarted during this poll: poll again for the current run.
    if (this.#again || run !== this.#run) {
      this.#again = false
      void this.#poll(this.#run)
      return
    }
    this.#timer = this.#host._setTimeout(() => void this.#poll(run), this.pollingInterval)
  }
}
