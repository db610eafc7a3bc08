import { setTimeout as sleep } from 'node:timers/promises'
import { FailoverProvider } from '@steadfast/ethers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FlowResult, runDappFlow } from './support/dapp-flow.js'
import { FetchRequest, JsonRpcProvider } from './support/ethers.js'
import { type EvmTarget, external, startEvmTarget } from './support/evm-target.js'

// The same dApp flow through plain ethers JsonRpcProvider, against the same faults held on: it
// fails, which shows each fault the FailoverProvider tests survive is real.
let set: EvmTarget
/** The testkit replica set, for the faults only it can force (lag, a wrong-chain replica). */
const testkit = () => set.set!
const keys = () => set.keys.slice(0, 3) as [string, string, string]

function plain(url: string): JsonRpcProvider {
  const request = new FetchRequest(url)
  request.timeout = 2000
  return new JsonRpcProvider(request, set.chainId, {
    cacheTimeout: -1,
    pollingInterval: 100,
    staticNetwork: false,
  })
}

async function plainFlow(url: string, fault?: () => Promise<void>): Promise<FlowResult> {
  const provider = plain(url)
  try {
    return await runDappFlow({
      provider,
      keys: keys(),
      deadlineMs: 90_000,
      stopOnFailure: true,
      ...(fault ? { fault, faultAfter: 4 } : {}),
    })
  } finally {
    provider.destroy()
  }
}

function expectBroken(r: FlowResult) {
  const clean =
    r.failures.length === 0 &&
    !r.timedOut &&
    r.missingEvents === 0 &&
    r.duplicateEvents === 0 &&
    r.reorgedEvents === 0 &&
    r.exactBalances
  expect(clean).toBe(false)
}

/** Skipped against real nodes: a fault only the testkit can force (lag, a wrong-chain replica). */
const testkitOnly = it.skipIf(external)

beforeAll(async () => {
  set = await startEvmTarget({ replicas: 3 })
})
afterAll(async () => {
  await set?.close()
})
beforeEach(async () => {
  for (const r of set.replicas) await r.proxy.setMode({ kind: 'pass' })
  await set.sync()
})

describe('plain ethers JsonRpcProvider against the same faults (control)', {
  timeout: 120_000,
}, () => {
  it('behavior: without a fault the flow is clean through plain ethers too', {
    timeout: 120_000,
  }, async () => {
    const r = await plainFlow(set.urls[0]!)
    expect(r.failures).toEqual([])
    expect(r.exactBalances).toBe(true)
    expect(r.missingEvents).toBe(0)
  })

  it('behavior: the flow fails when the primary is killed', async () => {
    const primary = set.replicas[0]!
    try {
      expectBroken(await plainFlow(set.urls[0]!, () => primary.kill()))
    } finally {
      await primary.restart()
    }
  })

  it.each([
    ['hangs', { kind: 'hang' }],
    ['answers HTTP 500', { kind: 'http', status: 500, body: 'error' }],
    ['answers HTTP 404', { kind: 'http', status: 404, body: '<html>not found</html>' }],
    ['answers HTTP 429', { kind: 'http', status: 429, body: 'slow down' }],
  ] as const)('behavior: the flow fails when the primary %s', async (_name, mode) => {
    const proxy = set.replicas[0]!.proxy
    expectBroken(await plainFlow(set.urls[0]!, () => proxy.setMode(mode)))
  })

  it('behavior: the flow fails through a rolling restart', async () => {
    expectBroken(
      await plainFlow(set.urls[0]!, async () => {
        for (const r of set.replicas) {
          await r.kill()
          await sleep(500)
          await r.restart()
        }
      }),
    )
  })

  testkitOnly(
    'behavior: a lagging primary serves stale heads to plain ethers, not to FailoverProvider',
    async () => {
      const lagging = testkit().replicas[0]!
      lagging.holdReplication()
      const stale = plain(set.urls[0]!)
      const failover = new FailoverProvider([...set.urls], set.chainId, { cacheTimeout: -1 })
      try {
        await testkit().mineBlocks(20)
        const [old, fresh] = await Promise.all([stale.getBlockNumber(), failover.getBlockNumber()])
        expect(fresh - old).toBe(20)
      } finally {
        stale.destroy()
        await failover.close()
        await lagging.catchUp()
      }
    },
  )

  testkitOnly('behavior: the flow fails with a wrong-chainId replica as the endpoint', async () => {
    const wrong = await testkit().addMisconfiguredReplica({ chainId: 1338 })
    expectBroken(await plainFlow(wrong.url))
  })
})
