import type { ChaincodeEvent, Checkpoint, EventsOptions } from '@hyperledger/fabric-gateway'

/**
 * Where an event stream stands: decides which received events are new (exactly once, in
 * order, across reopenings on other peers) and where a reopened stream must start.
 */
export interface EventCursor<T> {
  /** Whether the stream has a definite position (else it starts at the next commit). */
  readonly positioned: boolean
  /** Fixes the start at a ledger height (block number of the next block). */
  pin(height: bigint): void
  /** Records `item` if it is new; false for an event already delivered. */
  accept(item: T): boolean
  /** Start options for (re)opening the stream. */
  position(): EventsOptions
}

/**
 * Chaincode events are checkpointed as (block, transaction ids delivered in that block): a
 * reopened stream starts at that block after the last transaction (`after_transaction_id`),
 * and events the peer sends again anyway are dropped here.
 */
export class ChaincodeEventCursor implements EventCursor<ChaincodeEvent> {
  #block: bigint | undefined
  #lastTransactionId: string | undefined
  readonly #delivered = new Set<string>()

  constructor(initial: EventsOptions = {}) {
    const checkpointBlock = initial.checkpoint?.getBlockNumber()
    this.#block = checkpointBlock ?? initial.startBlock
    const txId = checkpointBlock === undefined ? undefined : initial.checkpoint?.getTransactionId()
    if (txId) {
      this.#lastTransactionId = txId
      this.#delivered.add(txId)
    }
  }

  get positioned(): boolean {
    return this.#block !== undefined
  }

  pin(height: bigint): void {
    if (this.#block === undefined) this.#block = height
  }

  accept(event: ChaincodeEvent): boolean {
    const block = this.#block
    if (block !== undefined && event.blockNumber < block) return false
    if (block === event.blockNumber && this.#delivered.has(event.transactionId)) return false
    if (block !== event.blockNumber) {
      this.#block = event.blockNumber
      this.#delivered.clear()
    }
    this.#delivered.add(event.transactionId)
    this.#lastTransactionId = event.transactionId
    return true
  }

  position(): EventsOptions {
    const block = this.#block
    if (block === undefined) return {}
    const txId = this.#lastTransactionId
    const checkpoint: Checkpoint = {
      getBlockNumber: () => block,
      getTransactionId: () => txId,
    }
    return { checkpoint }
  }
}

/** Block streams are checkpointed as the next block number; older blocks are dropped. */
export class BlockCursor<T> implements EventCursor<T> {
  #next: bigint | undefined
  readonly #numberOf: (item: T) => bigint

  constructor(numberOf: (item: T) => bigint, initial: EventsOptions = {}) {
    this.#numberOf = numberOf
    this.#next = initial.checkpoint?.getBlockNumber() ?? initial.startBlock
  }

  get positioned(): boolean {
    return this.#next !== undefined
  }

  pin(height: bigint): void {
    if (this.#next === undefined) this.#next = height
  }

  accept(item: T): boolean {
    const number = this.#numberOf(item)
    if (this.#next !== undefined && number < this.#next) return false
    this.#next = number + 1n
    return true
  }

  position(): EventsOptions {
    return this.#next === undefined ? {} : { startBlock: this.#next }
  }
}
