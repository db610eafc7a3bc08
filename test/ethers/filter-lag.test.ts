/**
 * A filter whose replica falls behind (testkit's ganache replica set, the holder held back):
 * it must report what the chain did meanwhile, from a replica at the head, and nothing twice
 * once the holder catches up. Testkit only (a lag cannot be forced on a real node).
 */
import { FailoverProvider } from '@steadfast/ethers'
import { type EvmReplicaSet, startEvmReplicaSet } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { directRpc, external } from './support/evm-target.js'

let set: EvmReplicaSet

const direct = directRpc

beforeAll(async () => {
  if (!external) set = await startEvmReplicaSet({ replicas: 3 })
})
afterAll(async () => {
  await set?.close()
})

describe.skipIf(external)('filters on a replica that falls behind', { timeout: 60_000 }, () => {
  it('behavior: a block filter reports the blocks its lagging holder lacks, each once', async () => {
    const p = new FailoverProvider([...set.urls], set.chainId, {
      policy: 'priority',
      cacheTimeout: -1,
      attemptTimeoutMs: 1000,
      probeIntervalMs: 200,
      probeTimeoutMs: 500,
    })
    try {
      const [holder, fresh] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]]
      const id = await p.send('eth_newBlockFilter', [])
      await p.send('eth_getFilterChanges', [id])
      const from = await holder.blockNumber()
      holder.holdReplication()
      await set.mineBlocks(3)
      const to = from + 3
      // The probes learn that another replica is ahead.
      await vi.waitFor(() => expect(p.endpointSet.bestHeight).toBe(to), { timeout: 10_000 })
      const expected = await Promise.all(
        [from + 1, from + 2, to].map(
          async (n) =>
            (
              (await direct(fresh.directUrl, 'eth_getBlockByNumber', [
                `0x${n.toString(16)}`,
                false,
              ])) as {
                hash: string
              }
            ).hash,
        ),
      )
      const got = (await p.send('eth_getFilterChanges', [id])) as string[]
      expect(got).toEqual(expected)
      await holder.catchUp()
      await set.mineBlocks(1)
      const later = (await p.send('eth_getFilterChanges', [id])) as string[]
      const last = (await direct(fresh.directUrl, 'eth_getBlockByNumber', ['latest', false])) as {
        hash: string
      }
      expect(later).toEqual([last.hash])
    } finally {
      await p.close()
    }
  })
})
