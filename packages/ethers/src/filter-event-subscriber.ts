import type { EventFilter, Log, Network, Subscriber } from 'ethers'

/** What a filter event subscriber needs from its provider (an ethers JsonRpcApiProvider). */
export interface FilterEventHost {
  send(method: string, params: unknown[]): Promise<unknown>
  emit(event: EventFilter, ...args: unknown[]): Promise<boolean>
  _wrapLog(value: unknown, network: Network): Log
  readonly _network: Network
  readonly destroyed: boolean
  on(event: string, listener: (...args: unknown[]) => void): Promise<unknown>
  off(event: string, listener: (...args: unknown[]) => void): Promise<unknown>
  _setTimeout(fn: () => void, timeout?: number): number
  _clearTimeout(timerId: number): void
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
export class FilterEventSubscriber implements Subscriber {
  /** Polling period, in ms (kept in step with the provider's `pollingInterval`). */
  pollingInterval: number
  readonly #host: FilterEventHost
  readonly #filter: EventFilter
  #filterId: Promise<string> | undefined
  #timer: number | undefined
  #run = 0
  #running = false
  #inFlight = false
  #again = false
  readonly #onBlock = () => void this.#poll(this.#run)

  constructor(host: FilterEventHost, filter: EventFilter, pollingInterval: number) {
    this.#host = host
    this.#filter = { ...filter }
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
    this.#halt()
    this.#teardown()
  }

  /** With `dropWhilePaused`, the filter is uninstalled (events meanwhile are not delivered). */
  pause(dropWhilePaused?: boolean): void {
    if (!this.#running) return
    this.#halt()
    if (dropWhilePaused === true) this.#teardown()
  }

  resume(): void {
    this.start()
  }

  #halt(): void {
    this.#running = false
    this.#run++
    void this.#host.off('block', this.#onBlock)
    if (this.#timer !== undefined) this.#host._clearTimeout(this.#timer)
    this.#timer = undefined
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

  /** One poll at a time; a trigger during one runs another right after it. */
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
      if (run !== this.#run) return
      const results = await this.#host.send('eth_getFilterChanges', [filterId])
      if (run !== this.#run || !Array.isArray(results)) return
      for (const result of results)
        await this.#host.emit(this.#filter, this.#host._wrapLog(result, this.#host._network))
    } catch {
      // A failed poll (every replica down) is retried at the next block or interval; the
      // provider's filter registry keeps what was not delivered.
    } finally {
      this.#inFlight = false
      if (this.#running) this.#next(run)
    }
  }

  #next(run: number): void {
    // Asked again meanwhile, or restarted during this poll: poll again for the current run.
    if (this.#again || run !== this.#run) {
      this.#again = false
      void this.#poll(this.#run)
      return
    }
    this.#timer = this.#host._setTimeout(() => void this.#poll(run), this.pollingInterval)
  }
}
