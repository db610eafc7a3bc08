import {
  type AbstractProvider,
  type Contract,
  ContractFactory,
  type EventLog,
  Wallet,
} from 'ethers'
import type { DocumentLedger } from '../backends/demo-backend.js'
import type { BackendReport, Check } from '../workload/backend-report.js'
import { CallTally } from '../workload/call-tally.js'
import { pace } from '../workload/pace.js'
import {
  demoTokenAbi,
  demoTokenBytecode,
  documentRegistryAbi,
  documentRegistryBytecode,
} from './demo-contracts.js'
import { SerialSigner } from './serial-signer.js'

export interface TokenTransferAppOptions {
  /** The Steadfast provider (a drop-in ethers provider over the replicas). */
  provider: AbstractProvider
  /** Funded accounts that send transfers in parallel; the first deploys. At least one. */
  senderKeys: readonly string[]
  /** Pause between a sender's transfers, ms. @default 300 */
  everyMs?: number
}

const supply = 10n ** 24n
/** Longest wait for one verification call at the end, ms (the provider's own deadline is 30 s). */
const checkTimeoutMs = 10_000

/**
 * A token dApp: deploys a token and a document registry, then each sender transfers tokens to a
 * few recipients while a `contract.on('Transfer')` listener counts events. Every call goes through
 * the provider it is given; the app keeps its own books to prove nothing was lost.
 */
export class TokenTransferApp {
  readonly tally = new CallTally()
  /** txHash of every transfer the app saw mined (status 1). */
  private readonly mined = new Set<string>()
  /** `${txHash}:${logIndex}` → times the listener delivered it. */
  private readonly seen = new Map<string, number>()
  private readonly expectedBalance = new Map<string, bigint>()
  private readonly recipients = Array.from({ length: 4 }, () => Wallet.createRandom().address)
  private deployBlock = 0
  private staleReads = 0
  private ownReads = 0

  private constructor(
    private readonly o: TokenTransferAppOptions,
    private readonly senders: SerialSigner[],
    private readonly token: Contract,
    private readonly registry: Contract,
  ) {}

  /** Deploys both contracts through the provider, funds every sender, starts the listener. */
  static async deploy(o: TokenTransferAppOptions, signal: AbortSignal): Promise<TokenTransferApp> {
    const senders = o.senderKeys.map((k) => new SerialSigner(k, o.provider))
    const deployer = senders[0]
    if (!deployer) throw new Error('TokenTransferApp needs at least one sender key')
    const token = await deployer.serial(async (s) => {
      const c = await new ContractFactory(demoTokenAbi, demoTokenBytecode, s).deploy(supply)
      return (await c.waitForDeployment()) as Contract
    })
    const registry = await deployer.serial(async (s) => {
      const c = await new ContractFactory(documentRegistryAbi, documentRegistryBytecode, s).deploy()
      return (await c.waitForDeployment()) as Contract
    })
    signal.throwIfAborted()
    const app = new TokenTransferApp(o, senders, token, registry)
    app.deployBlock = (await token.deploymentTransaction()?.wait())?.blockNumber ?? 0
    app.expectedBalance.set(deployer.address, supply)
    await token.on('Transfer', (...args: unknown[]) => app.onTransfer(args.at(-1)))
    // Every other sender gets a share, through the same listener and books as any transfer.
    for (const s of senders.slice(1)) await app.transfer(deployer, s.address, supply / 10n)
    return app
  }

  /** The registry as the IPFS app's ledger; a record is a transaction like any other. */
  get documentLedger(): DocumentLedger {
    const writer = this.senders.at(-1) as SerialSigner
    return {
      record: async (cid, sha256) => {
        await this.tally.track('registry.record', () =>
          writer.serial(async (s) => {
            const tx = await (this.registry.connect(s) as Contract).getFunction('record')(
              cid,
              sha256,
            )
            const receipt = await tx.wait()
            if (receipt?.status !== 1) throw new Error(`record ${cid} reverted`)
          }),
        )
      },
      digestOf: async (cid) => {
        const d = (await this.registry.getFunction('digestOf')(cid)) as string
        return /^0x0+$/.test(d) ? undefined : d
      },
    }
  }

  progressLine(): string {
    return `${this.mined.size} transfers · ${this.seenOnce()}/${this.mined.size} events`
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.senders.map(async (sender, i) => {
        for (let n = 0; !signal.aborted; n++) {
          const to = this.recipients[(n + i) % this.recipients.length] as string
          await this.transfer(sender, to, BigInt(1 + Math.floor(Math.random() * 1000)))
          await this.readOwnBalance(sender.address)
          await pace(this.o.everyMs ?? 300, signal)
        }
      }),
    )
  }

  private async transfer(from: SerialSigner, to: string, value: bigint): Promise<void> {
    const hash = await this.tally.track('transfer', () =>
      from.serial(async (s) => {
        const tx = await (this.token.connect(s) as Contract).getFunction('transfer')(to, value)
        const receipt = await tx.wait()
        if (receipt?.status !== 1) throw new Error(`transfer ${tx.hash} reverted`)
        return tx.hash as string
      }),
    )
    if (hash === undefined) return
    this.mined.add(hash)
    this.expectedBalance.set(from.address, (this.expectedBalance.get(from.address) ?? 0n) - value)
    this.expectedBalance.set(to, (this.expectedBalance.get(to) ?? 0n) + value)
  }

  /** Read-your-writes: right after a mined transfer, the balance read must already show it. */
  private async readOwnBalance(address: string): Promise<void> {
    const balance = await this.tally.track('balanceOf', () =>
      this.token.getFunction('balanceOf')(address),
    )
    if (balance === undefined) return
    this.ownReads++
    if (balance !== this.expectedBalance.get(address)) this.staleReads++
  }

  private onTransfer(payload: unknown): void {
    const log = (payload as { log?: EventLog }).log
    if (!log) return
    const key = `${log.transactionHash}:${log.index}`
    this.seen.set(key, (this.seen.get(key) ?? 0) + 1)
  }

  private seenOnce(): number {
    let n = 0
    for (const [key, times] of this.seen)
      if (times >= 1 && this.mined.has(key.split(':')[0] ?? '')) n++
    return n
  }

  /** Waits for the listener to catch up, then checks events, logs, nonces and balances on chain. */
  async finish(signal: AbortSignal): Promise<BackendReport> {
    while (this.seenOnce() < this.mined.size && !signal.aborted) await pace(250, signal)
    // Cleanup, not a check: the provider's destroy() at close() removes what is left.
    this.token.removeAllListeners().catch(() => {})
    const duplicates = [...this.seen.values()].reduce((sum, t) => sum + Math.max(0, t - 1), 0)
    const checks: Check[] = [
      {
        label: 'Transfer events delivered (listener)',
        expected: this.mined.size,
        actual: this.seenOnce(),
        unit: 'events',
      },
      { label: 'duplicate Transfer events', expected: 0, actual: duplicates, unit: 'events' },
    ]
    const onChain = await this.tally.track(
      'getLogs',
      () => this.token.queryFilter(this.token.filters.Transfer?.() ?? 'Transfer', this.deployBlock),
      checkTimeoutMs,
    )
    if (onChain) {
      const logsPerTx = new Map<string, number>()
      for (const l of onChain)
        logsPerTx.set(l.transactionHash, (logsPerTx.get(l.transactionHash) ?? 0) + 1)
      const once = [...this.mined].filter((h) => logsPerTx.get(h) === 1).length
      // A transfer re-signed behind the app's back would show up here as a log it never sent.
      const others =
        onChain.length - [...this.mined].reduce((n, h) => n + (logsPerTx.get(h) ?? 0), 0)
      checks.push(
        {
          label: 'transfers on chain exactly once',
          expected: this.mined.size,
          actual: once,
          unit: 'txs',
        },
        {
          label: 'Transfer logs the app never sent (the mint)',
          expected: 1,
          actual: others,
          unit: 'logs',
        },
      )
    }
    let exact = 0
    for (const [address, expected] of this.expectedBalance) {
      const b = await this.tally.track(
        'balanceOf',
        () => this.token.getFunction('balanceOf')(address),
        checkTimeoutMs,
      )
      if (b === expected) exact++
    }
    checks.push({
      label: 'token balances exact',
      expected: this.expectedBalance.size,
      actual: exact,
      unit: 'accounts',
    })
    const notes = [...this.tally.errors]
    if (this.staleReads > 0) {
      notes.push(
        `${this.staleReads} of ${this.ownReads} balance reads right after a mined transfer still returned the balance from before it (read-your-writes across replicas is not guaranteed at "latest")`,
      )
    }
    return {
      backend: 'evm',
      calls: { ok: this.tally.ok, failed: this.tally.failed },
      checks,
      notes,
    }
  }
}
