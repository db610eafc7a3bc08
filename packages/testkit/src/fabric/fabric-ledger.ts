import { peer } from '@hyperledger/fabric-protos'
import {
  blockHeaderHash,
  buildBlock,
  type CommittedBlock,
  type CommittedTransaction,
  genesisBlock,
} from './fabric-block.js'
import type { SubmittedTransaction } from './prepared-transaction.js'
import { readWriteSet } from './simulation.js'
import { type KeyVersion, sameVersion, WorldState } from './world-state.js'

/** Ledger options. */
export interface FabricLedgerOptions {
  readonly channelId: string
  /** Batch timeout: how long the orderer waits after the first pending transaction, in ms. Default: 50. */
  readonly blockCutMs?: number
  /** Batch size: a block is cut at once when this many transactions are pending. Default: 10. */
  readonly maxTransactionsPerBlock?: number
}

const { TxValidationCode } = peer

/**
 * The channel ledger shared by all test peers, with the orderer's block cutting: transactions
 * submitted to any peer are batched into blocks, validated (duplicate tx ids, MVCC read
 * versions) and committed to one world state. Peers deliver these blocks, possibly late.
 */
export class FabricLedger {
  readonly channelId: string
  readonly state = new WorldState()
  readonly #blocks: CommittedBlock[] = []
  readonly #index = new Map<string, CommittedTransaction>()
  readonly #listeners = new Set<(block: CommittedBlock) => void>()
  readonly #blockCutMs: number
  readonly #maxPerBlock: number
  #pending: SubmittedTransaction[] = []
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor(options: FabricLedgerOptions) {
    this.channelId = options.channelId
    this.#blockCutMs = options.blockCutMs ?? 50
    this.#maxPerBlock = options.maxTransactionsPerBlock ?? 10
    const block = genesisBlock(options.channelId)
    this.#blocks.push({ number: 0, block, transactions: [] })
  }

  /** Number of committed blocks (the next block's number). */
  get height(): number {
    return this.#blocks.length
  }

  block(number: number): CommittedBlock | undefined {
    return this.#blocks[number]
  }

  /** The first commit of a transaction id, whatever its validation code. */
  transaction(transactionId: string): CommittedTransaction | undefined {
    return this.#index.get(transactionId)
  }

  /** Every commit of a transaction id, duplicates included (for test assertions). */
  occurrences(transactionId: string): CommittedTransaction[] {
    return this.#blocks.flatMap((b) =>
      b.transactions.filter((tx) => tx.transactionId === transactionId),
    )
  }

  /** Committed transactions by validation code name, e.g. `{ VALID: 3, MVCC_READ_CONFLICT: 1 }`. */
  countsByCode(): Record<string, number> {
    const names = Object.fromEntries(
      Object.entries(TxValidationCode).map(([name, code]) => [code, name]),
    )
    const counts: Record<string, number> = {}
    for (const block of this.#blocks.slice(1)) {
      for (const tx of block.transactions) {
        const name = names[tx.code] ?? String(tx.code)
        counts[name] = (counts[name] ?? 0) + 1
      }
    }
    return counts
  }

  /** Subscribes to committed blocks; returns the unsubscribe function. */
  onBlock(listener: (block: CommittedBlock) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Hands a transaction to the orderer; it lands in the next block cut. */
  order(transaction: SubmittedTransaction): void {
    if (this.#closed) return
    this.#pending.push(transaction)
    if (this.#pending.length >= this.#maxPerBlock) this.cut()
    else this.#schedule()
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#pending.length === 0) return
    this.#timer = setTimeout(() => this.cut(), this.#blockCutMs)
    this.#timer.unref()
  }

  /** Cuts a block from the pending transactions now (no-op when none are pending). */
  cut(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const batch = this.#pending.splice(0, this.#maxPerBlock)
    if (batch.length === 0) return
    const number = this.#blocks.length
    const transactions = batch.map((tx, index) => this.#validateAndApply(tx, number, index))
    const previous = this.#blocks[number - 1]?.block.getHeader()
    const block = buildBlock(
      number,
      previous === undefined ? new Uint8Array() : blockHeaderHash(previous),
      batch.map((tx) => tx.envelope.serializeBinary()),
      transactions.map((tx) => tx.code),
    )
    const committed: CommittedBlock = { number, block, transactions }
    this.#blocks.push(committed)
    for (const listener of [...this.#listeners]) listener(committed)
    this.#schedule()
  }

  #validate(
    tx: SubmittedTransaction,
    reads: ReadonlyArray<[string, KeyVersion | undefined]>,
  ): number {
    if (this.#index.has(tx.transactionId)) return TxValidationCode.DUPLICATE_TXID
    if (tx.channelId !== this.channelId) return TxValidationCode.TARGET_CHAIN_NOT_FOUND
    for (const [key, version] of reads) {
      if (!sameVersion(this.state.read(key).version, version))
        return TxValidationCode.MVCC_READ_CONFLICT
    }
    return TxValidationCode.VALID
  }

  #validateAndApply(
    tx: SubmittedTransaction,
    blockNumber: number,
    index: number,
  ): CommittedTransaction {
    let code: number
    let writes: Array<[string, Buffer | undefined]> = []
    try {
      const rwset = readWriteSet(tx.results)
      writes = rwset.writes
      code = this.#validate(tx, rwset.reads)
    } catch {
      code = TxValidationCode.BAD_RWSET
    }
    if (code === TxValidationCode.VALID) {
      for (const [key, value] of writes)
        this.state.write(key, value, { block: blockNumber, tx: index })
    }
    const committed: CommittedTransaction = {
      transactionId: tx.transactionId,
      blockNumber,
      index,
      code,
      chaincodeName: tx.chaincodeName,
      event: tx.event,
    }
    if (!this.#index.has(tx.transactionId)) this.#index.set(tx.transactionId, committed)
    return committed
  }

  /** Stops the orderer: pending transactions are dropped, the timer cleared. */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#pending = []
    this.#listeners.clear()
  }
}
