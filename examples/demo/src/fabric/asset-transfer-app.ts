import type {
  ChaincodeEvent,
  CloseableAsyncIterable,
  Contract,
  Gateway,
  Network,
} from '@hyperledger/fabric-gateway'
import type { BackendReport, Check } from '../workload/backend-report.js'
import { CallTally } from '../workload/call-tally.js'
import { pace } from '../workload/pace.js'

export interface AssetTransferAppOptions {
  /** The Steadfast gateway (the fabric-gateway `Gateway` API over several peers). */
  gateway: Gateway
  /** @default 'mychannel' */
  channel?: string
  /** An asset-transfer-basic chaincode. @default 'basic' */
  chaincode?: string
  /** Assets the app creates and trades. @default 4 */
  assets?: number
  /** Pause between transfers, ms. @default 250 */
  everyMs?: number
}

const owners = ['Tomoko', 'Brad', 'Jin Soo', 'Max', 'Adriana', 'Michel']

/**
 * An asset registry on asset-transfer-basic: creates a few assets, then transfers them between
 * owners (submitAsync + commit status, so each transaction id is known) while a chaincode-event
 * listener records every event. At the end the ledger is replayed from block 0 to prove each
 * transaction was committed exactly once.
 */
export class AssetTransferApp {
  readonly tally = new CallTally()
  private readonly network: Network
  private readonly contract: Contract
  private readonly chaincode: string
  private readonly runId = Date.now().toString(36)
  private readonly ids: string[]
  private readonly owner = new Map<string, string>()
  /** Committed transaction ids (status successful) → block number. */
  private readonly committed = new Map<string, bigint>()
  /** Transaction id → times the live listener delivered its event. */
  private readonly seen = new Map<string, number>()
  private outOfOrder = 0
  private lastBlock = 0n
  private events: CloseableAsyncIterable<ChaincodeEvent> | undefined
  private listening: Promise<void> | undefined
  private staleReads = 0

  constructor(private readonly o: AssetTransferAppOptions) {
    this.chaincode = o.chaincode ?? 'basic'
    this.network = o.gateway.getNetwork(o.channel ?? 'mychannel')
    this.contract = this.network.getContract(this.chaincode)
    this.ids = Array.from({ length: o.assets ?? 4 }, (_, i) => `demo-${this.runId}-${i}`)
  }

  progressLine(): string {
    return `${this.committed.size} txs · ${this.seenOnce()}/${this.committed.size} events`
  }

  /** Starts the chaincode-event listener, then creates the assets. */
  async start(): Promise<void> {
    this.events = await this.network.getChaincodeEvents(this.chaincode)
    this.listening = this.listen(this.events)
    for (const [i, id] of this.ids.entries()) {
      const owner = owners[i % owners.length] as string
      await this.submit('CreateAsset', [id, 'blue', String(5 + i), owner, '500'])
      this.owner.set(id, owner)
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    for (let n = 0; !signal.aborted; n++) {
      const id = this.ids[n % this.ids.length] as string
      const to = owners[(n * 7 + 1) % owners.length] as string
      if (await this.submit('TransferAsset', [id, to])) this.owner.set(id, to)
      const read = await this.tally.track('ReadAsset', () =>
        this.contract.evaluateTransaction('ReadAsset', id),
      )
      if (
        read &&
        (JSON.parse(Buffer.from(read).toString()) as { Owner: string }).Owner !== this.owner.get(id)
      ) {
        this.staleReads++
      }
      await pace(this.o.everyMs ?? 250, signal)
    }
  }

  private async submit(fn: string, args: string[]): Promise<boolean> {
    const done = await this.tally.track(fn, async () => {
      const submitted = await this.contract.submitAsync(fn, { arguments: args })
      const status = await submitted.getStatus()
      if (!status.successful)
        throw new Error(`${fn} ${status.transactionId} invalid: code ${status.code}`)
      this.committed.set(status.transactionId, status.blockNumber)
      return true
    })
    return done === true
  }

  private async listen(events: AsyncIterable<ChaincodeEvent>): Promise<void> {
    try {
      for await (const e of events) {
        if (e.blockNumber < this.lastBlock) this.outOfOrder++
        this.lastBlock = e.blockNumber
        this.seen.set(e.transactionId, (this.seen.get(e.transactionId) ?? 0) + 1)
      }
    } catch {
      // closed by finish(), or the stream failed for good: the counts tell which.
    }
  }

  private seenOnce(): number {
    let n = 0
    for (const id of this.committed.keys()) if ((this.seen.get(id) ?? 0) >= 1) n++
    return n
  }

  async finish(signal: AbortSignal): Promise<BackendReport> {
    while (this.seenOnce() < this.committed.size && !signal.aborted) await pace(250, signal)
    this.events?.close()
    await this.listening
    const duplicates = [...this.seen.values()].reduce((sum, t) => sum + Math.max(0, t - 1), 0)
    const checks: Check[] = [
      {
        label: 'chaincode events delivered (listener)',
        expected: this.committed.size,
        actual: this.seenOnce(),
        unit: 'events',
      },
      {
        label: 'duplicate or out-of-order events',
        expected: 0,
        actual: duplicates + this.outOfOrder,
        unit: 'events',
      },
    ]
    const replay = await this.tally.track('replay ledger', () => this.replayLedger(signal))
    if (replay) {
      const once = [...this.committed.keys()].filter((id) => replay.get(id) === 1).length
      const others = [...replay.keys()].filter((id) => !this.committed.has(id)).length
      checks.push(
        {
          label: 'transactions on the ledger exactly once',
          expected: this.committed.size,
          actual: once,
          unit: 'txs',
        },
        {
          label: 'transactions the app never saw commit',
          expected: 0,
          actual: others,
          unit: 'txs',
        },
      )
    }
    let right = 0
    for (const id of this.ids) {
      const bytes = await this.tally.track('ReadAsset', () =>
        this.contract.evaluateTransaction('ReadAsset', id),
      )
      if (
        bytes &&
        (JSON.parse(Buffer.from(bytes).toString()) as { Owner: string }).Owner ===
          this.owner.get(id)
      )
        right++
    }
    checks.push({
      label: 'asset owners as expected',
      expected: this.ids.length,
      actual: right,
      unit: 'assets',
    })
    const notes = [...this.tally.errors]
    if (this.staleReads > 0)
      notes.push(
        `${this.staleReads} evaluate(s) right after a commit read the previous owner (an evaluate reads one peer's world state, which may not have the block yet)`,
      )
    return {
      backend: 'fabric',
      calls: { ok: this.tally.ok, failed: this.tally.failed },
      checks,
      notes,
    }
  }

  /**
   * Every chaincode event of this run's assets from block 0, by transaction id: read until the
   * last commit's block has been reached and the stream has been quiet for a second.
   */
  private async replayLedger(signal: AbortSignal): Promise<Map<string, number>> {
    const last = [...this.committed.values()].reduce((a, b) => (b > a ? b : a), 0n)
    const counts = new Map<string, number>()
    const events = await this.network.getChaincodeEvents(this.chaincode, { startBlock: 0n })
    let reached = false
    let quiet: NodeJS.Timeout | undefined
    const stop = () => events.close()
    signal.addEventListener('abort', stop, { once: true })
    try {
      for await (const e of events) {
        clearTimeout(quiet)
        const payload = Buffer.from(e.payload).toString()
        if (payload.includes(`"demo-${this.runId}-`))
          counts.set(e.transactionId, (counts.get(e.transactionId) ?? 0) + 1)
        reached ||= e.blockNumber >= last
        if (reached) quiet = setTimeout(stop, 1000).unref()
      }
    } catch (e) {
      if (!reached) throw e
    } finally {
      clearTimeout(quiet)
      signal.removeEventListener('abort', stop)
      events.close()
    }
    return counts
  }
}
