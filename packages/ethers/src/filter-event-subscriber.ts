import type { EventFilter, Log, Network } from 'ethers'
import { BlockAndTimerPoller, type PollerHost } from './block-and-timer-poller.js'

/** What a filter event subscriber needs from its provider (an ethers JsonRpcApiProvider). */
export interface FilterEventHost extends PollerHost {
  send(method: string, params: unknown[]): Promise<unknown>
  emit(event: EventFilter, ...args: unknown[]): Promise<boolean>
  _wrapLog(value: unknown, network: Network): Log
  readonly _network: Network
  readonly destroyed: boolean
}

/**
 * ethers' contract-event subscriber (`contract.on(...)`, `provider.on(filter, ...)` with a filter
 * id), which also polls on a timer. ethers' own polls `eth_getFilterChanges` once per new block
 * number only. When the block that holds an event was first reported on a fork a reorg then
 * replaced with a shorter chain, or reported by a replica before any other one had it, the
 * provider never reports a newer block number for it (block numbers never go back) and, with no
 * later block, the event was never asked for. ethers' own also never subscribes again once
 * `eth_newFilter` failed (every replica down at that moment). This one polls on start, on every
 * new block and every `pollingInterval`, one poll at a time, and subscribes again after a failed
 * `eth_newFilter`. Results are emitted in the order the provider answered them; the provider's
 * filter registry delivers each log once.
 */
export class FilterEventSubscriber extends BlockAndTimerPoller {
  readonly #host: FilterEventHost
  readonly #filter: EventFilter
  #filterId: Promise<string> | undefined

  constructor(host: FilterEventHost, filter: EventFilter, pollingInterval: number) {
    super(host, pollingInterval)
    this.#host = host
    this.#filter = { ...filter }
  }

  override stop(): void {
    this.halt()
    this.#teardown()
  }

  /** With `dropWhilePaused`, the filter is uninstalled (events meanwhile are not delivered). */
  override pause(dropWhilePaused?: boolean): void {
    this.halt()
    if (dropWhilePaused === true) this.#teardown()
  }

  #teardown(): void {
    const filterId = this.#filterId
    this.#filterId = undefined
    filterId
      ?.then((id) => {
        if (!this.#host.destroyed) return this.#host.send('eth_uninstallFilter', [id])
        return undefined
      })
      .catch(() => {})
  }

  protected async pollOnce(isCurrent: () => boolean): Promise<void> {
    try {
      this.#filterId ??= this.#host.send('eth_newFilter', [this.#filter]).then(String)
      const pending = this.#filterId
      let filterId: string
      try {
        filterId = await pending
      } catch (error) {
        // Not installed (every replica down): install again on the next trigger.
        if (this.#filterId === pending) this.#filterId = undefined
        throw error
      }
      if (!isCurrent()) return
      const results = await this.#host.send('eth_getFilterChanges', [filterId])
      if (!isCurrent() || !Array.isArray(results)) return
      for (const result of results)
        await this.#host.emit(this.#filter, this.#host._wrapLog(result, this.#host._network))
    } catch {
      // A failed poll (every replica down) is retried at the next block or interval; the
      // provider's filter registry keeps what was not delivered.
    }
  }
}
