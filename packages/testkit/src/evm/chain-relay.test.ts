import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJsonRpcClient } from './json-rpc-client.js'
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
