import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HDNodeWallet, Transaction, Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestkitError } from '../process/testkit-error.js'
import { ChainRelay, type RelayMember } from './chain-relay.js'
import { spawnGanacheOnFreePort } from './ganache-node.js'
import { createJsonRpcClient, type JsonRpcClient } from './json-rpc-client.js'
import type { RpcTransaction } from './raw-transaction.js'
import { asRpc } from './rpc-transaction.fixture.js'
import { sendTransfer } from './send-transfer.js'
import { type EvmReplicaSet, startEvmReplicaSet } from './start-evm-replica-set.js'

const rpc = createJsonRpcClient()
let set: EvmReplicaSet
const call = <T>(url: string, method: string, params: unknown[] = []) =>
  rpc.call<T>(url, method, params, { timeoutMs: 10_000 })

const transfer = (url: string, from: number) =>
  sendTransfer(url, set.accounts[from]!.privateKey, {
    chainId: set.chainId,
    to: set.accounts[9]!.address,
  })

const addressOf = (key: string) => new Wallet(key).address

/** Every replica's block hashes from genesis to its head. */
async function chains() {
  return Promise.all(
    set.replicas.map(async (r) => {
      const head = await r.blockNumber()
      const hashes: string[] = []
      for (let h = 0; h <= head; h++)
        hashes.push(
          (
            await call<{ hash: string }>(r.directUrl, 'eth_getBlockByNumber', [
              `0x${h.toString(16)}`,
              false,
            ])
          ).hash,
        )
      return hashes
    }),
  )
}

const receiptOn = (url: string, hash: string) =>
  call<{ blockNumber: string } | null>(url, 'eth_getTransactionReceipt', [hash])

beforeAll(async () => {
  // The relay runs only when asked (sync, mode changes), so the fork windows are deterministic.
  set = await startEvmReplicaSet({ replicas: 2, onFork: 'resequence', relayIntervalMs: 600_000 })
})

afterAll(async () => {
  await set?.close()
  rpc.close()
})

describe("relay with onFork: 'resequence'", () => {
  it('behavior: a write mined by a held replica at a stale height is rolled back and re-included for all', async () => {
    const [a, b] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]]
    await set.sync()
    b.holdReplication()
    const onA = await transfer(a.directUrl, 0)
    await set.sync()
    const onB = await transfer(b.directUrl, 1) // b is behind: this block conflicts with a's
    await set.sync()
    await b.catchUp()
    expect(set.relayError).toBeUndefined()
    expect(set.forkRollBacks).toBe(1)
    const [chainA, chainB] = await chains()
    expect(chainB).toEqual(chainA)
    for (const r of set.replicas) {
      expect(await receiptOn(r.directUrl, onA)).not.toBeNull()
      expect(await receiptOn(r.directUrl, onB)).not.toBeNull()
    }
    // The re-included write comes after the one it conflicted with.
    const blockOf = async (h: string) => Number((await receiptOn(a.directUrl, h))!.blockNumber)
    expect(await blockOf(onB)).toBeGreaterThan(await blockOf(onA))
  })

  it('behavior: a write mined just before a pause is re-included after resume', async () => {
    const [a, b] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]]
    await set.sync()
    const beforePause = await transfer(a.directUrl, 2)
    a.pause() // the relay has not seen that block
    try {
      const meanwhile = await transfer(b.directUrl, 3)
      await set.sync()
      a.resume()
      await set.sync()
      expect(set.relayError).toBeUndefined()
      expect(set.forkRollBacks).toBe(2)
      const [chainA, chainB] = await chains()
      expect(chainA).toEqual(chainB)
      for (const r of set.replicas) {
        expect(await receiptOn(r.directUrl, beforePause)).not.toBeNull()
        expect(await receiptOn(r.directUrl, meanwhile)).not.toBeNull()
      }
    } finally {
      a.resume()
    }
  })
})

const MANUAL_CHAIN = {
  chainId: 1337,
  mnemonic: 'test test test test test test test test test test test junk',
  time: '2024-01-01T00:00:00.000Z',
  accounts: 10,
  extraArgs: [],
}

interface ManualRelay {
  relay: ChainRelay
  a: RelayMember
  b: RelayMember
  urls: [string, string]
  inner: JsonRpcClient
  keyA: string
  keyB: string
  to: string
}

/** Whether the relay's call of `method` on `url` is lost in transit (`urls`: the two nodes). */
type FailWhen = (
  url: string,
  method: string,
  params: readonly unknown[],
  urls: readonly [string, string],
) => boolean

/**
 * Two bare ganache nodes and a ChainRelay run by hand (no timer), whose JSON-RPC client fails
 * the calls `failWhen` picks with a transport error ("socket hang up").
 */
async function withManualRelay(
  failWhen: FailWhen,
  run: (r: ManualRelay) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'steadfast-relay-'))
  const nodes = await Promise.all(
    [0, 1].map((i) => spawnGanacheOnFreePort(MANUAL_CHAIN, join(dir, `r${i}`))),
  )
  const inner = createJsonRpcClient()
  try {
    const urls = nodes.map((n) => `http://127.0.0.1:${n.port}`) as [string, string]
    const genesis = await inner.call<{ hash: string }>(urls[0], 'eth_getBlockByNumber', [
      '0x0',
      false,
    ])
    const client: JsonRpcClient = {
      call: (url, method, params = [], opts) =>
        failWhen(url, method, params, urls)
          ? Promise.reject(new Error('socket hang up'))
          : inner.call(url, method, params, opts),
      close: () => inner.close(),
    }
    const relay = new ChainRelay(client, genesis.hash, 'resequence')
    const [a, b] = urls.map((directUrl, index) => {
      const m: RelayMember = {
        index,
        directUrl,
        state: 'live',
        held: false,
        applied: 0,
        clean: true,
      }
      relay.members.push(m)
      return m
    }) as [RelayMember, RelayMember]
    const key = (i: number) =>
      HDNodeWallet.fromPhrase(MANUAL_CHAIN.mnemonic, undefined, `m/44'/60'/0'/0/${i}`)
    await run({
      relay,
      a,
      b,
      urls,
      inner,
      keyA: key(0).privateKey,
      keyB: key(1).privateKey,
      to: key(9).address,
    })
  } finally {
    inner.close()
    await Promise.all(nodes.map((n) => n.proc.close()))
    await rm(dir, { recursive: true, force: true })
  }
}

describe('relay: a rolled-back client transaction is never dropped', () => {
  it('behavior: a re-send of a rolled-back transaction that fails in transit is retried next round', async () => {
    let onB = ''
    let failed = 0
    await withManualRelay(
      // The relay's first re-send of the rolled-back transaction is lost in transit.
      (_url, method, params) =>
        method === 'eth_sendRawTransaction' &&
        typeof params[0] === 'string' &&
        Transaction.from(params[0]).hash === onB &&
        failed++ === 0,
      async ({ relay, a, b, urls, inner, keyA, keyB, to }) => {
        await relay.sync()
        b.held = true
        const onA = await sendTransfer(a.directUrl, keyA, { chainId: 1337, to })
        await relay.sync()
        onB = await sendTransfer(b.directUrl, keyB, { chainId: 1337, to }) // conflicts with a's block
        await relay.sync()
        b.held = false
        await relay.sync()
        expect(relay.error).toBeUndefined()
        expect(relay.rollBacks).toBe(1)
        expect(failed).toBeGreaterThan(1) // lost once, then sent again
        for (const url of urls) {
          expect(await inner.call(url, 'eth_getTransactionReceipt', [onA])).not.toBeNull()
          expect(await inner.call(url, 'eth_getTransactionReceipt', [onB])).not.toBeNull()
        }
      },
    )
  })

  it('behavior: a fork is rolled back to an older checkpoint when the last one could not be taken', async () => {
    // Armed, b's next evm_snapshot fails (as when b paused mid-round).
    let armed = false
    await withManualRelay(
      (url, method, _params, urls) => {
        if (!armed || url !== urls[1] || method !== 'evm_snapshot') return false
        armed = false
        return true
      },
      async ({ relay, a, b, urls, inner, keyA, keyB, to }) => {
        await relay.sync()
        const first = await sendTransfer(a.directUrl, keyA, { chainId: 1337, to })
        armed = true
        await relay.roundNow() // b gets block 1 but keeps its checkpoint at block 0
        expect(b.applied).toBe(1)
        expect(b.checkpoint?.at).toBe(0)
        // Before the next round: a's block 2 and b's own block 2, on the chain b got from a.
        b.held = true
        const second = await sendTransfer(a.directUrl, keyA, { chainId: 1337, to })
        const onB = await sendTransfer(b.directUrl, keyB, { chainId: 1337, to })
        await relay.roundNow() // sees the fork on b: back to the checkpoint at block 0
        b.held = false
        await relay.sync()
        expect(relay.error).toBeUndefined()
        expect(relay.rollBacks).toBe(1)
        for (const url of urls) {
          for (const hash of [first, second, onB])
            expect(await inner.call(url, 'eth_getTransactionReceipt', [hash])).not.toBeNull()
          // Each mined once: ganache mines a re-sent mined transaction again (its nonce counted
          // twice); the roll-back's shared transactions must not be re-sent.
          expect(
            await inner.call(url, 'eth_getTransactionCount', [addressOf(keyA), 'latest']),
          ).toBe('0x2')
          expect(
            await inner.call(url, 'eth_getTransactionCount', [addressOf(keyB), 'latest']),
          ).toBe('0x1')
        }
      },
    )
  })
  it('behavior: a second fork before the relay could take a new checkpoint is rolled back too', async () => {
    // While armed, every evm_snapshot on b fails (b busy with writes).
    let armed = false
    await withManualRelay(
      (url, method, _params, urls) => armed && url === urls[1] && method === 'evm_snapshot',
      async ({ relay, a, b, urls, inner, keyA, keyB, to }) => {
        await relay.sync()
        b.held = true
        const onA = await sendTransfer(a.directUrl, keyA, { chainId: 1337, to })
        await relay.roundNow() // block 1 is a's; b, held, stays at 0
        const firstOnB = await sendTransfer(b.directUrl, keyB, { chainId: 1337, to })
        armed = true
        await relay.roundNow() // b forked at 1: rolled back, no new snapshot
        expect(relay.rollBacks).toBe(1)
        const secondOnB = await sendTransfer(b.directUrl, keyB, { chainId: 1337, to })
        await relay.roundNow() // b forked at 1 again: rolled back to the spare snapshot
        expect(relay.error).toBeUndefined()
        expect(relay.rollBacks).toBe(2)
        armed = false
        b.held = false
        await relay.sync()
        for (const url of urls) {
          for (const hash of [onA, firstOnB, secondOnB])
            expect(await inner.call(url, 'eth_getTransactionReceipt', [hash])).not.toBeNull()
        }
      },
    )
  })
})

interface FakeBlock {
  hash: string
  parentHash: string
  transactions: RpcTransaction[]
}

/**
 * Nodes as the relay sees them, over JSON-RPC answered from in-memory chains (pure relay logic:
 * which block ganache mines is the test's to say). Re-sent transactions are refused like a real
 * node's "nonce too low".
 */
function fakeNodes(chains: Record<string, FakeBlock[]>): JsonRpcClient {
  const snapshots = new Map<string, number>()
  let next = 1
  const hex = (n: number) => `0x${n.toString(16)}`
  const answer = (url: string, method: string, params: unknown[]): unknown => {
    const chain = chains[url]!
    switch (method) {
      case 'eth_blockNumber':
        return hex(chain.length - 1)
      case 'eth_getBlockByNumber':
        return chain[Number(params[0])] ?? null
      case 'evm_snapshot': {
        const id = hex(next++)
        snapshots.set(`${url} ${id}`, chain.length - 1)
        return id
      }
      case 'evm_revert': {
        const at = snapshots.get(`${url} ${String(params[0])}`)
        if (at === undefined) return false
        chain.length = at + 1
        return true
      }
      case 'eth_sendRawTransaction':
        throw new TestkitError('RPC_ERROR', 'nonce too low')
      default:
        throw new Error(`unexpected ${method}`)
    }
  }
  return {
    call: async <T>(url: string, method: string, params: unknown[] = []) =>
      answer(url, method, params) as T,
    close: () => {},
  }
}

describe('relay: a block no real node would mine', () => {
  it('behavior: a block repeating a transaction of the shared chain is rolled back, not adopted', async () => {
    const wallet = Wallet.createRandom()
    const tx = asRpc(
      await wallet.signTransaction({
        chainId: 1337,
        nonce: 0,
        gasLimit: 21_000n,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 1n,
        to: wallet.address,
        value: 1n,
      }),
    )
    const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`
    const genesis: FakeBlock = { hash: hash(1), parentHash: hash(0), transactions: [] }
    const one: FakeBlock = { hash: hash(2), parentHash: genesis.hash, transactions: [tx] }
    const chains = { a: [genesis, one], b: [genesis, one] }
    const relay = new ChainRelay(fakeNodes(chains), genesis.hash, 'resequence')
    for (const [index, directUrl] of ['a', 'b'].entries())
      relay.members.push({ index, directUrl, state: 'live', held: false, applied: 0, clean: true })
    await relay.roundNow() // block 1 adopted; both replicas hold it, checkpoints at 1
    expect(relay.height).toBe(1)
    // b mines the same transaction again (ganache does, for a mined transaction sent again).
    chains.b.push({ hash: hash(3), parentHash: one.hash, transactions: [tx] })
    await relay.roundNow()
    expect(relay.error).toBeUndefined()
    expect(relay.height).toBe(1)
    expect(relay.rollBacks).toBe(1)
    expect(chains.b).toHaveLength(2)
  })
})
