/**
 * Open bug 1 of docs/reliability.md ("a write intermittently never settles"): a dApp flow under a
 * fault stalled until its deadline because a Transfer event never arrived. ethers stops its
 * "block" subscription whenever the last listener goes (a contract filter's poll in flight, a
 * `tx.wait()` done) and the next one starts with a baseline poll that emits nothing: a block
 * mined in between was never emitted, so the filter was never polled again for it when no later
 * block came. A slow replica (the chaos cells' faults) makes that window wide.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { FailoverProvider } from '@steadfast/ethers'
import { type FaultProxy, startFaultProxy } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type Contract, ContractFactory, JsonRpcProvider, Wallet } from './support/ethers.js'
import { external } from './support/evm-target.js'
import { type Ganache, MNEMONIC, startGanache } from './support/ganache.js'
import { compileToken } from './support/token.js'

let node: Ganache
let proxy: FaultProxy
let direct: JsonRpcProvider
let token: Contract

/** A transfer mined straight on the node (not through the provider under test). */
async function transferDirect(): Promise<string> {
  const tx = await token.getFunction('transfer')(Wallet.createRandom().address, 1n)
  await tx.wait()
  return tx.hash as string
}

beforeAll(async () => {
  if (external) return
  node = await startGanache(1337)
  proxy = await startFaultProxy({ target: { port: node.port } })
  direct = new JsonRpcProvider(node.url, 1337, { staticNetwork: true, cacheTimeout: -1 })
  const deployer = Wallet.fromPhrase(MNEMONIC).connect(direct)
  const { abi, bytecode } = compileToken()
  const factory = new ContractFactory(abi as never, bytecode, deployer)
  token = (await (await factory.deploy(1_000_000n)).waitForDeployment()) as unknown as Contract
})
afterAll(async () => {
  direct?.destroy()
  await proxy?.close()
  await node?.close()
})

// Needs ganache (instamine, a node the test mines on directly).
describe.skipIf(external)('subscriptions across ethers listener churn', () => {
  it.each(['FailoverProvider', 'a pinned session'])(
    'behavior: %s: an event mined while the filter poll is in flight arrives though no later block comes',
    {
      timeout: 60_000,
    },
    async (kind) => {
      const parent = new FailoverProvider([proxy.url()], 1337, {
        cacheTimeout: -1,
        pollingInterval: 100,
      })
      const provider = kind === 'a pinned session' ? parent.pin() : parent
      // Tells when ethers sends a filter poll.
      let onPoll: (() => void) | undefined
      const send = provider._send.bind(provider)
      provider._send = (payload) => {
        const list = Array.isArray(payload) ? payload : [payload]
        if (list.some((p) => p.method === 'eth_getFilterChanges')) onPoll?.()
        return send(payload)
      }
      const seen = new Set<string>()
      try {
        await (token.connect(provider) as Contract).on('Transfer', (...args: unknown[]) => {
          seen.add((args.at(-1) as { log: { transactionHash: string } }).log.transactionHash)
        })
        // ethers installs the filter after on() returns: transfer until the listener hears one.
        await vi.waitFor(
          async () => {
            const hash = await transferDirect()
            await sleep(300)
            expect(seen.has(hash)).toBe(true)
          },
          { timeout: 20_000, interval: 50 },
        )
        // A slow replica: the node answers at once, the answer reaches the client 800 ms later.
        await proxy.setMode({ kind: 'slow', delayMs: 800 })
        const polled = new Promise<void>((resolve) => {
          onPoll = resolve
        })
        // Its block makes ethers poll the filter: the filter's one-shot block listener is gone
        // while the poll is in flight, so ethers stops its block subscription.
        const first = await transferDirect()
        await polled
        await sleep(150) // the node has read the filter; its answer is still on the way
        const second = await transferDirect() // mined after that read: due at the next poll
        await vi.waitFor(() => expect(seen.has(first)).toBe(true), { timeout: 15_000 })
        // No block follows: ethers' new block subscription took this block as its baseline, so
        // the filter was never polled again and this event never arrived.
        await vi.waitFor(() => expect(seen.has(second)).toBe(true), { timeout: 15_000 })
      } finally {
        await proxy.setMode({ kind: 'pass' })
        if (provider !== parent) provider.destroy()
        await parent.close()
      }
    },
  )
})
