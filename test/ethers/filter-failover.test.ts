import { FailoverProvider } from '@steadfast/ethers'
import { type FaultProxy, startFaultProxy } from '@steadfast/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { type Contract, ContractFactory, JsonRpcProvider, Wallet } from './support/ethers.js'
import { directRpc, external, externalNode } from './support/evm-target.js'
import { type Ganache, MNEMONIC, startGanache } from './support/ganache.js'
import { compileToken } from './support/token.js'

// One ganache behind two fault proxies: the filter's holder can be taken down while the
// chain stays one, so exactly-once delivery is checked against a known truth. Against real
// nodes (STEADFAST_EVM_URLS): the first node behind the two proxies, the first key deploying;
// the tests that mine or reorg on demand (ganache's evm_mine, evm_snapshot) are skipped.
let node: Ganache | undefined
let chainId = 1337
let proxies: FaultProxy[]
let urls: string[]
let provider: FailoverProvider
let token: Contract

type Log = { blockHash: string; logIndex: string; transactionHash: string; removed?: boolean }

const direct = (method: string, params: unknown[] = []) => directRpc(node!.url, method, params)

async function transfer(amount: bigint): Promise<string> {
  const tx = await token.getFunction('transfer')(Wallet.createRandom().address, amount)
  await tx.wait()
  return tx.hash as string
}

/** A transfer signed and sent through a plain ethers provider straight to the node. */
async function transferElsewhere(amount: bigint): Promise<string> {
  const plain = new JsonRpcProvider(node!.url, chainId, { staticNetwork: true, cacheTimeout: -1 })
  try {
    const signer = Wallet.fromPhrase(MNEMONIC).connect(plain)
    const t = token.connect(signer) as Contract
    const tx = await t.getFunction('transfer')(Wallet.createRandom().address, amount)
    await tx.wait()
    return tx.hash as string
  } finally {
    plain.destroy()
  }
}

/** A provider of the test's own: its filters surely start on the first replica. */
const fresh = () =>
  new FailoverProvider(urls, chainId, { cacheTimeout: -1, attemptTimeoutMs: 1000 })

/** Skipped against real nodes: needs ganache itself (evm_mine, evm_snapshot). */
const ganacheOnly = it.skipIf(external)

beforeAll(async () => {
  const real = external ? await externalNode() : undefined
  if (real === undefined) node = await startGanache(1337)
  else chainId = real.chainId
  const target = real?.target ?? { port: node!.port }
  proxies = await Promise.all([0, 1].map(() => startFaultProxy({ target })))
  urls = proxies.map((p) => p.url('http', real?.path ?? ''))
  provider = new FailoverProvider(urls, chainId, {
    cacheTimeout: -1,
    pollingInterval: 100,
    attemptTimeoutMs: 1000,
    probeIntervalMs: 200,
    probeTimeoutMs: 500,
  })
  const { abi, bytecode } = compileToken()
  const deployer = (real ? new Wallet(real.key) : Wallet.fromPhrase(MNEMONIC)).connect(provider)
  const factory = new ContractFactory(abi as never, bytecode, deployer)
  token = (await (await factory.deploy(1_000_000n)).waitForDeployment()) as unknown as Contract
})
afterAll(async () => {
  await provider?.close()
  await Promise.all((proxies ?? []).map((p) => p.close()))
  await node?.close()
})
beforeEach(async () => {
  await Promise.all(proxies.map((p) => p.setMode({ kind: 'pass' })))
})

describe('filters across a failover of the replica holding them', () => {
  it('behavior: contract.on delivers every event exactly once while the holder is down', async () => {
    const seen = new Map<string, number>()
    await token.on('Transfer', (...args: unknown[]) => {
      const ev = args.at(-1) as { log: { transactionHash: string; index: number } }
      const key = `${ev.log.transactionHash}:${ev.log.index}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
    })
    // ethers installs the filter after on() returns: transfer until the listener hears one.
    await vi.waitFor(
      async () => {
        if (seen.size === 0) await transfer(1n)
        expect(seen.size).toBeGreaterThan(0)
      },
      { timeout: 20_000, interval: 500 },
    )
    const delivered = (h: string) => [...seen.keys()].some((k) => k.startsWith(h))
    const hashes: string[] = []
    for (let i = 0; i < 3; i++) hashes.push(await transfer(1n))
    await vi.waitFor(() => expect(hashes.every(delivered)).toBe(true), { timeout: 10_000 })
    await proxies[0]!.setMode({ kind: 'down' })
    for (let i = 0; i < 3; i++) hashes.push(await transfer(1n))
    await proxies[0]!.setMode({ kind: 'pass' })
    for (let i = 0; i < 2; i++) hashes.push(await transfer(1n))
    await vi.waitFor(() => expect(hashes.every(delivered)).toBe(true), { timeout: 15_000 })
    await new Promise((r) => setTimeout(r, 500))
    expect([...seen.values()].every((n) => n === 1)).toBe(true)
    await token.removeAllListeners()
  })

  ganacheOnly(
    'behavior: a block filter recreated elsewhere reports every new block hash once',
    async () => {
      const own = fresh()
      const id = await own.send('eth_newBlockFilter', [])
      await own.send('eth_getFilterChanges', [id])
      await direct('evm_mine')
      const got: string[] = [...(await own.send('eth_getFilterChanges', [id]))]
      await proxies[0]!.setMode({ kind: 'down' })
      await direct('evm_mine')
      await direct('evm_mine')
      got.push(...(await own.send('eth_getFilterChanges', [id])))
      got.push(...(await own.send('eth_getFilterChanges', [id])))
      const head = Number(await direct('eth_blockNumber'))
      const expected = await Promise.all(
        [head - 2, head - 1, head].map(
          async (n) =>
            (
              (await direct('eth_getBlockByNumber', [`0x${n.toString(16)}`, false])) as {
                hash: string
              }
            ).hash,
        ),
      )
      expect(got).toEqual(expected)
      expect(await own.send('eth_uninstallFilter', [id])).toBe(true)
      await own.close()
    },
  )

  ganacheOnly(
    'behavior: after a reorg, a log delivered from the orphaned block comes back removed',
    async () => {
      const own = fresh()
      try {
        const id = await own.send('eth_newFilter', [{ address: await token.getAddress() }])
        const snapshot = await direct('evm_snapshot')
        const orphan = await transfer(7n)
        const first = (await own.send('eth_getFilterChanges', [id])) as Log[]
        expect(first.map((l) => l.transactionHash)).toEqual([orphan])
        await direct('evm_revert', [snapshot])
        // The canonical block's transfer is signed elsewhere: the failover provider that sent
        // the orphan would give it its next nonce and re-send the orphan first (a write of its
        // own is never dropped), so the orphan would not stay orphaned.
        const canonical = await transferElsewhere(8n)
        await proxies[0]!.setMode({ kind: 'down' })
        const after = (await own.send('eth_getFilterChanges', [id])) as Log[]
        const removed = after.filter((l) => l.removed === true).map((l) => l.transactionHash)
        expect(removed).toEqual([orphan])
        expect(after.filter((l) => l.removed !== true).map((l) => l.transactionHash)).toEqual([
          canonical,
        ])
      } finally {
        await own.close()
      }
    },
  )
})
