/**
 * Bug 13 of docs/reliability.md: an event lost after a reorg to a shorter chain. The provider
 * reported block h+3 from a replica that then lost those blocks to a chain of h+1 (the testkit
 * relay's roll-back, what a fork-choice does on a real reorg); the event of block h+1 of the
 * surviving chain was never asked for, since ethers polls a filter once per new block number,
 * and no block number above h+3 came. Testkit only (a reorg cannot be forced on a real node).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { FailoverProvider } from '@steadfast/ethers'
import { type EvmReplicaSet, startEvmReplicaSet } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type Contract, ContractFactory, JsonRpcProvider, Wallet } from './support/ethers.js'
import { external } from './support/evm-target.js'
import { traceFlow } from './support/flow-trace.js'
import { compileToken } from './support/token.js'

let set: EvmReplicaSet
let token: Contract
const directs: JsonRpcProvider[] = []

const direct = (url: string) => {
  const p = new JsonRpcProvider(url, 1337, { staticNetwork: true, cacheTimeout: -1 })
  directs.push(p)
  return p
}

beforeAll(async () => {
  if (external) return
  // The relay runs only when asked (sync, catch-up), so the fork is deterministic.
  set = await startEvmReplicaSet({ replicas: 2, onFork: 'resequence', relayIntervalMs: 600_000 })
  const deployer = new Wallet(set.accounts[0]!.privateKey, direct(set.replicas[0]!.directUrl))
  const { abi, bytecode } = compileToken()
  const factory = new ContractFactory(abi as never, bytecode, deployer)
  token = (await (await factory.deploy(1_000_000n)).waitForDeployment()) as unknown as Contract
  await set.sync()
})
afterAll(async () => {
  for (const p of directs) p.destroy()
  await set?.close()
})

describe.skipIf(external)('contract events across a reorg to a shorter chain', () => {
  // The filter's first holder: r0, whose chain survives, or r1, which loses its blocks and is
  // held back after the roll-back (its filter then reports nothing of the surviving chain).
  const CASES = [
    ['FailoverProvider', 'the replica whose chain survives'],
    ['a pinned session', 'the replica whose chain survives'],
    ['FailoverProvider', 'the replica rolled back'],
    ['a pinned session', 'the replica rolled back'],
  ] as const
  it.each(CASES)(
    'behavior: %s, filter on %s: an event in a block below the reported head arrives though no newer block comes',
    { timeout: 60_000 },
    async (kind, holder) => {
      const [r0, r1] = set.replicas as [(typeof set.replicas)[0], (typeof set.replicas)[0]]
      await set.sync()
      const rolledBackHolds = holder === 'the replica rolled back'
      const urls = rolledBackHolds ? [r1.url, r0.url] : [r0.url, r1.url]
      const parent = new FailoverProvider(urls, set.chainId, {
        policy: 'priority',
        cacheTimeout: -1,
        pollingInterval: 100,
        probeIntervalMs: 100,
        probeTimeoutMs: 500,
      })
      const provider = kind === 'a pinned session' ? parent.pin() : parent
      traceFlow(
        provider,
        kind,
        set.replicas.map((r) => r.directUrl),
      )
      try {
        const seen: string[] = []
        const watched = token.connect(provider) as Contract
        await watched.on('Transfer', (_f: string, _t: string, _v: bigint, e: { log: Log }) => {
          seen.push(e.log.transactionHash)
        })
        const h = await r0.blockNumber()
        const rollBacks = set.forkRollBacks
        // r1 mines three empty blocks nobody else gets; the provider reports h + 3.
        r0.holdReplication()
        for (let i = 0; i < 3; i++) await direct(r1.directUrl).send('evm_mine', [])
        await vi.waitFor(async () => expect(await provider.getBlockNumber()).toBe(h + 3), {
          timeout: 10_000,
        })
        // A transfer mined on r0 at h + 1; the relay keeps r0's chain and rolls r1 back to it.
        const sender = new Wallet(set.accounts[0]!.privateKey, direct(r0.directUrl))
        const tx = await (token.connect(sender) as Contract).getFunction('transfer')(
          Wallet.createRandom().address,
          1n,
        )
        await tx.wait()
        if (rolledBackHolds) r1.holdReplication()
        await r0.catchUp()
        expect(set.forkRollBacks).toBe(rollBacks + 1)
        expect(await r1.blockNumber()).toBe(rolledBackHolds ? h : h + 1)
        // No newer block: the provider still reports h + 3, yet the event must come. Once the
        // probes see the shorter chain, no poll waits for a replica to reach h + 3 (none holds
        // it: reads of it fail, or retry until their deadline while block numbers stand still).
        await vi.waitFor(() => expect(parent.endpointSet.bestHeight).toBe(h + 1), {
          timeout: 10_000,
        })
        let behind = 0
        const off = parent.endpointSet.on('attempt', (e) => {
          const aim = /behind (\d+)/.exec(String(e.error))?.[1]
          if (e.outcome !== 'success' && aim !== undefined && Number(aim) > h + 1) behind++
        })
        await vi.waitFor(() => expect(seen).toContain(tx.hash), { timeout: 10_000 })
        await sleep(500)
        off()
        expect(seen.filter((x) => x === tx.hash)).toHaveLength(1)
        // At most the one pass over the two replicas already in flight when the probes saw it.
        expect(behind, 'catch-up reads of a block no replica holds').toBeLessThanOrEqual(2)
        expect(await provider.getBlockNumber()).toBe(h + 3)
      } finally {
        await r1.catchUp()
        await provider.removeAllListeners()
        if (provider !== parent) provider.destroy()
        await parent.close()
      }
    },
  )
})

type Log = { transactionHash: string }
