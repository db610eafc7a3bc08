import type { Subscriber } from 'ethers'
import type { PollingHost } from './block-subscriber.js'

/** What a receipt subscriber needs from its provider (an ethers AbstractProvider). */
export interface ReceiptHost extends PollingHost {
  getTransactionReceipt(hash: string): Promise<unknown>
  on(event: string, listener: (...args: unknown[]) => void): Promise<unknown>
  off(event: string, listener: (...args: unknown[]) => void): Promise<unknown>
}

/**
 * ethers' transaction subscriber (what `tx.wait()` and `waitForTransaction` listen to), which
 * also polls on a timer. ethers' own asks for the receipt once per new block only: when that
 * one read came back empty (answered by a replica the block had not reached yet, or failed
 * during a failover) and no later block was mined, the wait never ended. This one asks on
 * start, on every new block and every `pollingInterval` until the subscription stops.
 */
export class ReceiptSubscriber implements Subscriber {
  /** Polling period, in ms (kept in step with the provider's `pollingInterval`). */
  pollingInterval: number
  readonly #host: ReceiptHost
  readonly #hash: string
  #timer: number | undefined
  #run = 0
  #running = false
  #inFlight = false
  #again = false
  readonly #onBlock = () => void this.#poll(this.#run)

  constructor(host: ReceiptHost, hash: string, pollingInterval: number) {
    this.#host = host
    this.#hash = hash
    this.pollingInterval = pollingInterval
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    void this.#host.on('block', this.#onBlock)
    void this.#poll(++this.#run)
  }

  stop(): void {
    if (!this.#running) return
    this.#running = false
    this.#run++
    void this.#host.off('block', this.#onBlock)
    if (this.#timer !== undefined) this.#host._clearTimeout(this.#timer)
    this.#timer = undefined
  }

  pause(): void {
    this.stop()
  }

  resume(): void {
    this.start()
  }

  /** One receipt read at a time; a trigger during one runs another right after it. */
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
      const receipt = await this.#host.getTransactionReceipt(this.#hash)
      if (receipt !== null && run === this.#run) await this.#host.emit(this.#hash, receipt)
    } catch {
      // A failed read (every replica down) is retried at the next block or interval.
    } finally {
      this.#inFlight = false
    }
    if (!this.#running) return
    // Asked again meanwhile, or restarted during this read: read again for the current run.
    if (this.#again || run !== this.#run) {
      this.#again = false
      void this.#poll(this.#run)
      return
    }
    this.#timer = this.#host._setTimeout(() => void this.#poll(run), this.pollingInterval)
  }
}
