/**
 * A node that accepted a transaction and then forgot it while staying up: a reorg that does not
 * re-include it (here ganache's evm_revert, what the testkit relay does to a held replica that
 * mined a write on a fork of its own) or a pool eviction. The receipt reads go to that same
 * healthy node, so without a re-send `tx.wait()` waited forever. Found in the ethers "lagging"
 * chaos cell (bug 13 of docs/reliability.md).
 */
import { FailoverProvider } from '@steadfast/ethers'
import { type EvmReplicaSet, startEvmReplicaSet } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Wallet } from './support/ethers.js'
import { directRpc, external } from './support/evm-target.js'

let set: EvmReplicaSet

const direct = directRpc

beforeAll(async () => {
  if (!external) set = await startEvmReplicaSet({ replicas: 1 })
})
afterAll(async () => {
  await set?.close()
})

// Needs a node whose chain the test can roll back (ganache).
describe.skipIf(external)('a transaction its node forgot', () => {
  it('behavior: is sent again to the node that accepted it, and mined once', {
    timeout: 60_000,
  }, async () => {
    const r = set.replicas[0]!
    const provider = new FailoverProvider([r.url], set.chainId, {
      cacheTimeout: -1,
      pollingInterval: 100,
      probeIntervalMs: 200,
      rebroadcastAfterMs: 300,
    })
    try {
      const wallet = new Wallet(set.accounts[3]!.privateKey, provider)
      const nonce = await provider.getTransactionCount(wallet.address, 'pending')
      // Mined at once (instamine), then dropped with its block; the node stays up.
      const snapshot = await direct(r.directUrl, 'evm_snapshot')
      const tx = await wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1n })
      expect(await direct(r.directUrl, 'evm_revert', [snapshot])).toBe(true)
      expect(await direct(r.directUrl, 'eth_getTransactionByHash', [tx.hash])).toBeNull()
      const receipt = await tx.wait(1, 20_000)
      expect(receipt?.status).toBe(1)
      expect(await provider.getTransactionCount(wallet.address, 'latest')).toBe(nonce + 1)
    } finally {
      await provider.close()
    }
  })
})
