import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HDNodeWallet } from 'ethers'
import { startFaultProxy } from '../fault-proxy/start-fault-proxy.js'
import { TestkitError } from '../process/testkit-error.js'
import { ChainRelay, type ForkPolicy, type RelayMember } from './chain-relay.js'
import { createEvmReplica, type EvmReplica } from './evm-replica.js'
import { type GanacheChainConfig, spawnGanacheOnFreePort } from './ganache-node.js'
import { createJsonRpcClient, type JsonRpcClient } from './json-rpc-client.js'

export interface EvmReplicaSetOptions {
  /** Number of replicas sharing the chain. @default 3 */
  replicas?: number
  /** @default 1337 */
  chainId?: number
  /** @default 'test test test test test test test test test test test junk' */
  mnemonic?: string
  /** Funded accounts derived from the mnemonic (1000 ETH each). @default 10 */
  accounts?: number
  /** Genesis timestamp, ISO date; fixed so every replica has the same genesis. @default '2024-01-01T00:00:00.000Z' */
  time?: string
  /** How often the relay looks for new blocks, in milliseconds. @default 50 */
  relayIntervalMs?: number
  /**
   * When a replica mined a block that conflicts with the shared chain (a write reached a paused,
   * held or stale replica): `error` stops the relay with `EVM_FORK`; `resequence` rolls that
   * replica back (`evm_revert` to its last checkpoint) and sends the dropped transactions again
   * on top of the shared chain, like a real network re-including them later (a reorg).
   * @default 'error'
   */
  onFork?: ForkPolicy
  /** Extra ganache CLI arguments for every replica. @default [] */
  ganacheArgs?: readonly string[]
  /** Not supported: the relay replays one transaction per block (eager instamine). */
  blockTime?: never
  /** Aborts the start (whatever started is closed, the promise rejects); later, closes the set. */
  signal?: AbortSignal
}

/** N ganache nodes holding the same chain, each behind a fault proxy. */
export interface EvmReplicaSet extends AsyncDisposable {
  /** The replicas sharing the chain, in order (misconfigured ones are not listed). */
  readonly replicas: readonly EvmReplica[]
  /** Proxy urls, replica order. */
  readonly urls: readonly string[]
  readonly chainId: number
  readonly mnemonic: string
  /** Funded accounts derived from the mnemonic (`m/44'/60'/0'/0/i`). */
  readonly accounts: readonly { address: string; privateKey: string }[]
  /** Milliseconds the set took to start (processes, proxies, genesis check). */
  readonly startMs: number
  /** The error that stopped the relay (`EVM_FORK`), if any. */
  readonly relayError: TestkitError | undefined
  /** Forks rolled back so far (`onFork: 'resequence'`). */
  readonly forkRollBacks: number
  /**
   * Starts a replica with another chainId (default `chainId + 1`), same everything else, behind
   * its own proxy. It is outside the relay and not listed in `replicas`; `close()` stops it.
   */
  addMisconfiguredReplica(opts?: { chainId?: number; signal?: AbortSignal }): Promise<EvmReplica>
  /** Mines `n` empty blocks on the shared chain and waits until every non-held replica has them. */
  mineBlocks(n: number, opts?: { signal?: AbortSignal }): Promise<void>
  /** Waits until every live, non-held replica holds the whole shared chain. */
  sync(opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void>
  /** Kills every process, closes every proxy, removes the databases. Idempotent. */
  close(): Promise<void>
}

const DEFAULT_MNEMONIC = 'test test test test test test test test test test test junk'

/** Starts `replicas` ganache nodes on one chain, with a relay emulating p2p propagation. */
export async function startEvmReplicaSet(opts: EvmReplicaSetOptions = {}): Promise<EvmReplicaSet> {
  const started = Date.now()
  opts.signal?.throwIfAborted()
  const count = opts.replicas ?? 3
  if (!(Number.isInteger(count) && count >= 1))
    throw new TestkitError('INVALID_CONFIG', `replicas must be an integer >= 1, got ${count}`)
  const chain: GanacheChainConfig = {
    chainId: opts.chainId ?? 1337,
    mnemonic: opts.mnemonic ?? DEFAULT_MNEMONIC,
    time: opts.time ?? '2024-01-01T00:00:00.000Z',
    accounts: opts.accounts ?? 10,
    extraArgs: opts.ganacheArgs ?? [],
  }
  const dir = await mkdtemp(join(tmpdir(), 'steadfast-evm-'))
  const rpc = createJsonRpcClient()
  const all: { close(): Promise<void> }[] = []
  const closeAll = async () => {
    await Promise.allSettled(all.map((r) => r.close()))
    rpc.close()
    await rm(dir, { recursive: true, force: true })
  }
  let relay: ChainRelay | undefined
  // Before a fault diverts clients from a replica, propagate what it mined (no fork window).
  const settle = async () => {
    if (relay !== undefined && relay.error === undefined) await relay.roundNow()
  }
  const startReplica = async (index: number, cfg: GanacheChainConfig, signal?: AbortSignal) => {
    const dbPath = join(dir, `replica-${index}`)
    const { proc, port } = await spawnGanacheOnFreePort(cfg, dbPath, signal)
    try {
      const proxy = await startFaultProxy({ target: { port }, onBeforeModeChange: settle })
      return { index, chain: cfg, port, dbPath, proc, proxy, rpc }
    } catch (err) {
      await proc.close()
      throw err
    }
  }

  let replicas: (EvmReplica & { close(): Promise<void> })[]
  try {
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => startReplica(i, chain, opts.signal)),
    )
    for (const r of results)
      if (r.status === 'fulfilled')
        all.push({ close: () => r.value.proc.close().then(() => r.value.proxy.close()) })
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) throw failed.reason
    const parts = results.map(
      (r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof startReplica>>>).value,
    )
    const genesis = await Promise.all(
      parts.map((p) =>
        rpc.call<{ hash: string }>(`http://127.0.0.1:${p.port}`, 'eth_getBlockByNumber', [
          '0x0',
          false,
        ]),
      ),
    )
    const hash = genesis[0]!.hash
    if (genesis.some((g) => g.hash !== hash))
      throw new TestkitError('GENESIS_MISMATCH', 'replicas started with different genesis blocks')
    const shared = new ChainRelay(rpc, hash, opts.onFork ?? 'error')
    relay = shared
    all.length = 0
    replicas = parts.map((p) => {
      const member: RelayMember = {
        index: p.index,
        directUrl: `http://127.0.0.1:${p.port}`,
        state: 'live',
        held: false,
        applied: 0,
        clean: true,
      }
      shared.members.push(member)
      return createEvmReplica({ ...p, relay: { relay: shared, member } })
    })
    all.push(...replicas)
    shared.start(opts.relayIntervalMs ?? 50)
  } catch (err) {
    await closeAll()
    throw err
  }
  return buildSet({
    chain,
    relay: relay!,
    replicas,
    rpc,
    all,
    closeAll,
    startReplica,
    startMs: Date.now() - started,
    signal: opts.signal,
  })
}

function buildSet(s: {
  chain: GanacheChainConfig
  relay: ChainRelay
  replicas: EvmReplica[]
  rpc: JsonRpcClient
  all: { close(): Promise<void> }[]
  closeAll: () => Promise<void>
  startReplica: (
    index: number,
    cfg: GanacheChainConfig,
    signal?: AbortSignal,
  ) => Promise<Parameters<typeof createEvmReplica>[0]>
  startMs: number
  signal: AbortSignal | undefined
}): EvmReplicaSet {
  const { chain, relay, replicas } = s
  const root = HDNodeWallet.fromPhrase(chain.mnemonic, undefined, "m/44'/60'/0'/0")
  const accounts = Array.from({ length: chain.accounts }, (_, i) => {
    const w = root.deriveChild(i)
    return { address: w.address, privateKey: w.privateKey }
  })
  let nextIndex = replicas.length
  let closing: Promise<void> | undefined
  const set: EvmReplicaSet = {
    replicas,
    urls: replicas.map((r) => r.url),
    chainId: chain.chainId,
    mnemonic: chain.mnemonic,
    accounts,
    startMs: s.startMs,
    get relayError() {
      return relay.error
    },
    get forkRollBacks() {
      return relay.rollBacks
    },
    async addMisconfiguredReplica(o = {}) {
      const cfg = { ...chain, chainId: o.chainId ?? chain.chainId + 1 }
      if (closing) throw new TestkitError('CLOSED', 'the replica set is closed')
      const replica = createEvmReplica(await s.startReplica(nextIndex++, cfg, o.signal))
      if (closing) {
        await replica.close()
        throw new TestkitError('CLOSED', 'the replica set is closed')
      }
      s.all.push(replica)
      return replica
    },
    async mineBlocks(n, o = {}) {
      const signal = o.signal ? { signal: o.signal } : {}
      await relay.sync(signal)
      const source = relay.members.find((m) => m.state === 'live' && !m.held)
      if (source === undefined)
        throw new TestkitError('NO_REPLICA', 'no live, non-held replica to mine on')
      await relay.exclusive(async () => {
        for (let i = 0; i < n; i++) await s.rpc.call(source.directUrl, 'evm_mine', [], signal)
      })
      await relay.sync(signal)
    },
    sync: (o = {}) => relay.sync(o),
    close() {
      closing ??= (async () => {
        s.signal?.removeEventListener('abort', onAbort)
        relay.stop()
        // Killing first makes any relay call in flight fail fast instead of timing out.
        await s.closeAll()
        await relay.exclusive(async () => {})
      })()
      return closing
    },
    [Symbol.asyncDispose]() {
      return set.close()
    },
  }
  const onAbort = () => void set.close()
  s.signal?.addEventListener('abort', onAbort, { once: true })
  return set
}
