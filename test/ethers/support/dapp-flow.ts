import { setTimeout as sleep } from 'node:timers/promises'
import {
  type Contract,
  ContractFactory,
  type ContractRunner,
  type Provider,
  Wallet,
} from './ethers.js'
import { traceFlow } from './flow-trace.js'
import { compileToken } from './token.js'

/** What a run of the dApp flow observed. */
export interface FlowResult {
  /** Calls that threw (flow and background load), with their messages. */
  failures: string[]
  /** True when the flow did not finish before its deadline (a hang). */
  timedOut: boolean
  /** Transfers whose Transfer event never arrived. */
  missingEvents: number
  /**
   * Events delivered more than once: the same log twice from one block, or twice from blocks
   * still on the chain. A re-delivery after a reorg is not one (see `reorgedEvents`).
   */
  duplicateEvents: number
  /**
   * Events first delivered from a block a reorg later removed, then again from the block that
   * holds the transaction now: ethers' reorg semantics (a log is identified by blockHash and
   * index; the removed one goes to its `drop-log` orphan subscription).
   */
  reorgedEvents: number
  /** Each wallet's nonces are consecutive, none repeated. */
  consecutiveNonces: boolean
  /** Every balance equals the sum of the transfers. */
  exactBalances: boolean
  /** A block number lower than one seen before was reported. */
  blockNumberWentBack: boolean
  transfers: number
  /** The step the flow was in when it ended (the one that hung, on a deadline). */
  stage: string
}

/** Knobs of one run. */
export interface FlowOptions {
  provider: Provider
  /** Private keys: deployer, wallet A, wallet B. */
  keys: readonly [string, string, string]
  /** Transfers, split between the two wallets. @default 50 */
  transfers?: number
  /** Started (not awaited) once this many transfers are done. */
  fault?: () => Promise<void>
  /** @default 10 */
  faultAfter?: number
  /** The flow's liveness deadline in ms (a hung flow fails). @default 60000 */
  deadlineMs?: number
  /** Stop at the first failed call (control runs that are expected to fail). @default false */
  stopOnFailure?: boolean
  /** Debug (STEADFAST_FLOW_TRACE): the flow's name and the replicas' direct URLs to inspect. */
  trace?: { label: string; directUrls: readonly string[] }
}

/**
 * A realistic dApp flow: deploy an ERC-20, fund two wallets, 50 transfers from them (two
 * concurrent senders, each waiting for its receipt), a `contract.on('Transfer')` listener,
 * background reads (block number, balance) as steady load, and final balance checks.
 */
export async function runDappFlow(o: FlowOptions): Promise<FlowResult> {
  const total = o.transfers ?? 50
  const failures: string[] = []
  const deadline = AbortSignal.timeout(o.deadlineMs ?? 60_000)
  const expired = new Promise<never>((_, reject) =>
    deadline.addEventListener(
      'abort',
      () => reject(new Error(`flow deadline (stage ${result.stage})`)),
      { once: true },
    ),
  )
  expired.catch(() => {})
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, expired])
  const traceEnd = traceFlow(o.provider, o.trace?.label ?? 'flow', o.trace?.directUrls)
  const result: FlowResult = {
    failures,
    timedOut: false,
    missingEvents: total,
    duplicateEvents: 0,
    reorgedEvents: 0,
    consecutiveNonces: false,
    exactBalances: false,
    blockNumberWentBack: false,
    transfers: 0,
    stage: 'deploy',
  }
  const { abi, bytecode } = compileToken()
  const [deployer, a, b] = o.keys.map((k) => new Wallet(k, o.provider)) as [Wallet, Wallet, Wallet]
  const recipients = [Wallet.createRandom().address, Wallet.createRandom().address]
  /** Deliveries per log (`transactionHash:index`): the hash of the block each came from. */
  const seen = new Map<string, string[]>()
  let stopLoad = false
  let token: Contract | undefined
  const load = (async () => {
    let last = -1
    while (!stopLoad && !deadline.aborted) {
      try {
        const n = await guard(o.provider.getBlockNumber())
        if (n < last) result.blockNumberWentBack = true
        last = Math.max(last, n)
        if (token !== undefined) await guard(token.getFunction('balanceOf')(a.address))
      } catch (error) {
        if (!deadline.aborted) failures.push(`load: ${(error as Error).message}`)
      }
      await sleep(50)
    }
  })()
  try {
    const factory = new ContractFactory(abi as never, bytecode, deployer)
    token = (await guard(
      guard(factory.deploy(1_000_000n)).then((c) => c.waitForDeployment()),
    )) as unknown as Contract
    result.stage = 'listen'
    await guard(
      token.on(
        'Transfer',
        (
          _from: string,
          _to: string,
          _value: bigint,
          event: { log: { transactionHash: string; index: number; blockHash: string } },
        ) => {
          const key = `${event.log.transactionHash}:${event.log.index}`
          seen.set(key, [...(seen.get(key) ?? []), event.log.blockHash])
        },
      ),
    )
    result.stage = 'fund'
    for (const w of [a, b]) {
      const tx = await guard(
        (token.connect(deployer as ContractRunner) as Contract).getFunction('transfer')(
          w.address,
          100_000n,
        ),
      )
      await guard(tx.wait())
    }
    let done = 0
    let faultRun: Promise<void> | undefined
    const sent: { wallet: number; nonce: number; hash: string; amount: bigint }[] = []
    const sender = async (wallet: Wallet, index: number, count: number) => {
      const t = token!.connect(wallet as ContractRunner) as Contract
      for (let i = 0; i < count; i++) {
        const amount = BigInt(index * 1000 + i + 1)
        try {
          const tx = await guard(t.getFunction('transfer')(recipients[index], amount))
          await guard(tx.wait())
          sent.push({ wallet: index, nonce: tx.nonce, hash: tx.hash, amount })
        } catch (error) {
          failures.push(`transfer: ${(error as Error).message}`)
          if (deadline.aborted || o.stopOnFailure === true) return
        }
        done++
        if (done === (o.faultAfter ?? 10) && o.fault !== undefined) faultRun = o.fault()
      }
    }
    result.stage = 'transfers'
    await Promise.all([sender(a, 0, Math.ceil(total / 2)), sender(b, 1, Math.floor(total / 2))])
    result.transfers = sent.length
    await guard(faultRun ?? Promise.resolve())
    if (o.stopOnFailure === true && failures.length > 0)
      throw new Error('stopped at the first failure')
    // Every transfer's event, once: wait for the listener to catch up, then a little longer
    // so a late duplicate would show.
    const expected = () =>
      sent.filter((s) => ![...seen.keys()].some((k) => k.startsWith(`${s.hash}:`))).length
    result.stage = 'events'
    while (expected() > 0 && !deadline.aborted) await sleep(100)
    await sleep(1000)
    result.missingEvents = expected() + (total - sent.length)
    if (result.missingEvents > 0 && process.env.FLOW_DEBUG) {
      const missing = sent.filter((s) => ![...seen.keys()].some((k) => k.startsWith(`${s.hash}:`)))
      for (const m of missing) {
        const r = await o.provider.getTransactionReceipt(m.hash)
        console.log('MISSING', m.hash, r?.blockNumber, r?.blockHash)
      }
    }
    // A log delivered twice is a duplicate unless the earlier copy came from a block the chain
    // no longer holds (a reorg: the transaction's receipt names another block now).
    for (const [key, blocks] of seen) {
      if (blocks.length < 2) continue
      const receipt = await guard(o.provider.getTransactionReceipt(key.split(':')[0]!))
      const canonical = blocks.filter((h) => h === receipt?.blockHash).length
      const orphaned = blocks.length - canonical
      if (canonical === 1 && orphaned > 0 && new Set(blocks).size === blocks.length)
        result.reorgedEvents++
      else result.duplicateEvents++
    }
    result.consecutiveNonces = [0, 1].every((w) => {
      const nonces = sent
        .filter((s) => s.wallet === w)
        .map((s) => s.nonce)
        .sort((x, y) => x - y)
      return nonces.every((n, i) => n === (nonces[0] ?? 0) + i)
    })
    result.stage = 'balances'
    const balanceOf = token.getFunction('balanceOf')
    const checks = await guard(
      Promise.all(
        [0, 1].map(async (w) => {
          const sum = sent.filter((s) => s.wallet === w).reduce((acc, s) => acc + s.amount, 0n)
          const wallet = w === 0 ? a : b
          const [own, got] = await Promise.all([
            balanceOf(wallet.address),
            balanceOf(recipients[w]),
          ])
          return own === 100_000n - sum && got === sum
        }),
      ),
    )
    result.exactBalances = checks.every(Boolean) && sent.length === total
    result.stage = 'done'
  } catch (error) {
    failures.push(`flow: ${(error as Error).message}`)
  } finally {
    result.timedOut = deadline.aborted
    const events = [...seen.entries()].map(
      ([k, blocks]) => `${k.slice(0, 10)}@${blocks.map((b) => b.slice(0, 8)).join(',')}`,
    )
    await traceEnd?.(
      `${result.stage} timedOut=${result.timedOut} ${failures.join('; ')} events: ${events.join(' ')}`,
    )
    stopLoad = true
    await load
    await token?.removeAllListeners()
  }
  return result
}
