import { BlockAndTimerPoller, type PollerHost } from './block-and-timer-poller.js'
import type { PollingHost } from './block-subscriber.js'

/** What a receipt subscriber needs from its provider (an ethers AbstractProvider). */
export interface ReceiptHost extends PollingHost, PollerHost {
  getTransactionReceipt(hash: string): Promise<unknown>
}

/**
 * ethers' transaction subscriber (what `tx.wait()` and `waitForTransaction` listen to), which
 * also polls on a timer. ethers' own asks for the receipt once per new block only: when that
 * one read came back empty (answered by a replica the block had not reached yet, or failed
 * during a failover) and no later block was mined, the wait never ended. This one asks on
 * start, on every new block and every `pollingInterval` until the subscription stops.
 */
export class ReceiptSubscriber extends BlockAndTimerPoller {
  readonly #host: ReceiptHost
  readonly #hash: string

  constructor(host: ReceiptHost, hash: string, pollingInterval: number) {
    super(host, pollingInterval)
    this.#host = host
    this.#hash = hash
  }

  protected async pollOnce(isCurrent: () => boolean): Promise<void> {
    try {
      const receipt = await this.#host.getTransactionReceipt(this.#hash)
      if (receipt !== null && isCurrent()) await this.#host.emit(this.#hash, receipt)
    } catch {
      // A failed read (every replica down) is retried at the next block or interval.
    }
  }
}
