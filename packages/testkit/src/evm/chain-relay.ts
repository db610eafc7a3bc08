import { setTimeout as sleep } from 'node:timers/promises'
import { keccak256 } from 'ethers'
import { TestkitError } from '../process/testkit-error.js'
import { type Checkpoint, type ReplicaCall, rollBack, takeCheckpoint } from './fork-rollback.js'
import type { JsonRpcClient } from './json-rpc-client.js'
import { type RpcTransaction, rawTransactionFromRpc } from './raw-transaction.js'

/** One block of the shared chain: what every replica must hold at that height. */
interface CanonicalBlock {
  hash: string
  /** Raw signed transactions, in block order (empty for a mined empty block). */
  txs: string[]
}

/** A replica as the relay sees it. */
export interface RelayMember {
  readonly index: number
  readonly directUrl: string
  /** Live replicas are observed and fed; paused or killed ones are skipped (calls would hang). */
  state: 'live' | 'paused' | 'killed'
  /** Lagging on purpose: observed, but not fed until released. */
  held: boolean
  /** Height up to which this replica is known to hold the canonical chain. */
  applied: number
  /** Whether the last round observed (and fed, unless held) this replica without a failure. */
  clean: boolean
  /** Snapshot at or below `applied`, to roll back a fork (`resequence` mode); lost on restart. */
  checkpoint?: Checkpoint | undefined
}

/** What the relay does when a replica mined a block that conflicts with the shared chain. */
export type ForkPolicy = 'error' | 'resequence'

interface RpcBlock {
  hash: string
  parentHash: string
  transactions: RpcTransaction[]
}

const hex = (n: number) => `0x${n.toString(16)}`
/** Errors that mean the replicas no longer share a chain; the relay stops on them. */
const FATAL = new Set(['EVM_FORK', 'EVM_UNSUPPORTED'])

/**
 * Emulates p2p propagation between ganache replicas. Every round it observes each live
 * replica's new blocks (blocks mined by a client write), appends them to the canonical chain,
 * and replays the canonical blocks a replica lacks, in order, as raw transactions (or
 * `evm_mine` for empty blocks). With eager instamine every write is one block, so replaying
 * the same raw transactions in the same order yields identical block hashes; every replayed
 * block's hash is checked.
 *
 * Assumption: writes go to one replica at a time (what a failover client does). Two replicas
 * mining different transactions at the same height fork the chain; the relay detects it
 * (hash mismatch) and, with the `error` policy, stops with an `EVM_FORK` error. With the
 * `resequence` policy it rolls the replica back to its last checkpoint (`evm_revert`), feeds it
 * the shared chain, and sends the dropped transactions again on top of the shared chain.
 */
export class ChainRelay {
  readonly members: RelayMember[] = []
  private readonly canonical: CanonicalBlock[]
  /**
   * Hashes of the transactions the canonical chain holds. ganache mines a raw transaction sent
   * again after it was mined (a second inclusion, and the account nonce raised twice), which no
   * real node does: the relay never re-sends one of these, and a block repeating one is rolled
   * back like a fork.
   */
  private readonly included = new Set<string>()
  private lock: Promise<unknown> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined
  /** The fatal error that stopped the relay, if any. */
  error: TestkitError | undefined
  /** Transactions dropped by a roll-back, waiting to be sent again on the shared chain. */
  private orphans: string[] = []
  /** Forks rolled back so far (`resequence` policy). */
  rollBacks = 0

  constructor(
    private readonly rpc: JsonRpcClient,
    genesisHash: string,
    private readonly forkPolicy: ForkPolicy = 'error',
    private readonly callTimeoutMs = 5_000,
  ) {
    this.canonical = [{ hash: genesisHash, txs: [] }]
  }

  get height(): number {
    return this.canonical.length - 1
  }

  /** Polls every `intervalMs` milliseconds until `stop()`. */
  start(intervalMs: number) {
    this.timer = setInterval(
      () => void this.exclusive(() => this.round()).catch(() => {}),
      intervalMs,
    )
    this.timer.unref()
  }

  stop() {
    clearInterval(this.timer)
  }

  /** Runs `fn` while no round runs, so it cannot interleave with a replay. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn)
    this.lock = next.catch(() => undefined)
    return next
  }

  /**
   * Resolves once every live, non-held replica holds the whole canonical chain and has nothing
   * unobserved; rejects with the relay's fatal error, or `EVM_SYNC_TIMEOUT` after `timeoutMs`.
   */
  async sync(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
    for (;;) {
      opts.signal?.throwIfAborted()
      await this.exclusive(() => this.round())
      if (this.error) throw this.error
      const pending = this.members.filter(
        (m) => m.state === 'live' && (!m.clean || (!m.held && m.applied < this.height)),
      )
      if (pending.length === 0 && !this.hasOrphans) return
      if (Date.now() > deadline)
        throw new TestkitError(
          'EVM_SYNC_TIMEOUT',
          `replicas ${pending.map((m) => m.index).join(', ')} did not reach block ${this.height}`,
        )
      await sleep(20, undefined, { ref: false })
    }
  }

  /** One observe-and-feed round now (after any round in flight). */
  roundNow(): Promise<void> {
    return this.exclusive(() => this.round())
  }

  private async round(): Promise<void> {
    if (this.error) return
    // Observe every replica first, so a block adopted this round reaches all of them this round.
    const observed: RelayMember[] = []
    for (const m of this.members) {
      if (m.state !== 'live') continue
      m.clean = false
      if (await this.step(() => this.observe(m))) observed.push(m)
      if (this.error) return
    }
    // Replicas are separate processes: feed them in parallel.
    await Promise.all(
      observed.map(async (m) => {
        if (m.state !== 'live') return // paused meanwhile: a call would hang
        m.clean = await this.step(async () => {
          if (!m.held) await this.replay(m)
          // A newer checkpoint when the replica holds still; else the older one stays usable.
          if (this.forkPolicy === 'resequence' && m.checkpoint?.at !== m.applied)
            m.checkpoint = (await takeCheckpoint(this.callOn(m), m.applied)) ?? m.checkpoint
        })
      }),
    )
    if (this.error) return
    if (this.orphans.length > 0) await this.resubmitOrphans()
  }

  /** Runs one step of a round: false on a failure; a fatal one also stops the relay. */
  private async step(fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn()
      return true
    } catch (err) {
      if (err instanceof TestkitError && FATAL.has(err.code)) {
        this.error = err
        this.stop()
      }
      // Anything else (a replica killed behind our back, a timeout) is retried next round.
      return false
    }
  }

  /** Whether rolled-back transactions still wait for a replica to take them. */
  get hasOrphans(): boolean {
    return this.orphans.length > 0 && this.members.some((m) => m.state === 'live' && !m.held)
  }

  /** Sends rolled-back transactions to a replica at the shared head; the next round relays them. */
  private async resubmitOrphans() {
    const target = this.members.find(
      (m) => m.state === 'live' && !m.held && m.clean && m.applied === this.height,
    )
    if (target === undefined) return
    // Transactions of shared blocks dropped by a roll-back to an older checkpoint are on the
    // shared chain already: the replica gets them back by replay.
    const txs = this.orphans.filter((raw) => !this.included.has(keccak256(raw)))
    this.orphans = []
    target.clean = false // its new blocks are observed next round
    for (const [i, raw] of txs.entries()) {
      try {
        await this.rpc.call(target.directUrl, 'eth_sendRawTransaction', [raw], {
          timeoutMs: 1_000,
        })
      } catch (err) {
        // A refusal is expected (the client sent the same transaction elsewhere already: nonce
        // too low, already known). Anything else (timeout, replica gone) is not an answer: the
        // transaction and those after it wait for the next round, so none is lost.
        if (!(err instanceof TestkitError && err.code === 'RPC_ERROR')) {
          this.orphans.unshift(...txs.slice(i))
          return
        }
      }
    }
  }

  /**
   * Rolls a forked replica back to its checkpoint and queues the transactions it dropped. The
   * checkpoint may be older than the replica's last shared block (a round that could not take a
   * newer one: the replica paused or wrote meanwhile): the shared blocks above it are dropped
   * too and fed again (their transactions, re-sent, are refused as known), so the fork is still
   * undone instead of stopping the relay.
   */
  private async resequence(m: RelayMember, head: number) {
    const checkpoint = m.checkpoint
    if (checkpoint === undefined || checkpoint.at > m.applied)
      throw this.fork(
        m,
        m.applied + 1,
        this.canonical[m.applied + 1]?.hash ?? '?',
        'another block (no checkpoint to roll back to)',
      )
    m.checkpoint = undefined
    const { orphans, checkpoint: left } = await rollBack(this.callOn(m), checkpoint, head)
    this.orphans.push(...orphans)
    m.checkpoint = left
    // Fed again from the checkpoint, in this round unless held.
    m.applied = Math.min(m.applied, checkpoint.at)
    this.rollBacks++
  }

  private callOn(m: RelayMember): ReplicaCall {
    return (method, params) => this.call(m, method, params)
  }

  private call<T>(m: RelayMember, method: string, params: unknown[] = []) {
    return this.rpc.call<T>(m.directUrl, method, params, { timeoutMs: this.callTimeoutMs })
  }

  /** Adopts blocks a replica mined beyond what the relay knows of it. */
  private async observe(m: RelayMember) {
    const head = Number(await this.call<string>(m, 'eth_blockNumber'))
    // A restarted replica may have lost unflushed blocks: feed it again from its real head.
    if (head < m.applied) m.applied = head
    for (let h = m.applied + 1; h <= head; h++) {
      const block = await this.call<RpcBlock>(m, 'eth_getBlockByNumber', [hex(h), true])
      const known = this.canonical[h]
      if (known !== undefined) {
        if (known.hash === block.hash) {
          m.applied = h
          continue
        }
        if (this.forkPolicy === 'resequence') return this.resequence(m, head)
        throw this.fork(m, h, known.hash, block.hash)
      } else {
        const parent = this.canonical[h - 1]!
        if (parent.hash !== block.parentHash)
          throw this.fork(m, h - 1, parent.hash, block.parentHash)
        const again = block.transactions.find((tx) => this.included.has(tx.hash.toLowerCase()))
        if (again !== undefined) {
          if (this.forkPolicy === 'resequence') return this.resequence(m, head)
          throw this.fork(m, h, `a block without ${again.hash} (mined twice)`, block.hash)
        }
        this.canonical.push({
          hash: block.hash,
          txs: block.transactions.map(rawTransactionFromRpc),
        })
        for (const tx of block.transactions) this.included.add(tx.hash.toLowerCase())
      }
      m.applied = h
    }
  }

  /** Feeds a replica the canonical blocks it lacks, checking each resulting hash. */
  private async replay(m: RelayMember) {
    while (m.applied < this.height) {
      const h = m.applied + 1
      const block = this.canonical[h]!
      if (block.txs.length > 1)
        throw new TestkitError(
          'EVM_UNSUPPORTED',
          `block ${h} holds ${block.txs.length} transactions; the relay replays one-transaction blocks (eager instamine)`,
        )
      if (block.txs[0] === undefined) await this.call(m, 'evm_mine')
      else await this.call(m, 'eth_sendRawTransaction', [block.txs[0]])
      const got = await this.call<RpcBlock | null>(m, 'eth_getBlockByNumber', [hex(h), false])
      // A client's write slipped in first: with `resequence`, the next observation rolls it back.
      if (got?.hash !== block.hash && this.forkPolicy === 'resequence') return
      if (got?.hash !== block.hash) throw this.fork(m, h, block.hash, got?.hash ?? 'nothing')
      m.applied = h
    }
  }

  private fork(m: RelayMember, height: number, expected: string, got: string) {
    return new TestkitError(
      'EVM_FORK',
      `replica ${m.index} forked at block ${height}: expected ${expected}, has ${got}. ` +
        'Were transactions sent to two replicas at the same time? The relay assumes one writer.',
    )
  }
}
