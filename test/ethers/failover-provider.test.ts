import { setTimeout as sleep } from 'node:timers/promises'
import { FailoverProvider, type FailoverProviderOptions } from '@steadfast/ethers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FlowResult, runDappFlow } from './support/dapp-flow.js'
import { type EvmTarget, external, startEvmTarget } from './support/evm-target.js'
import { expectCleanFlow } from './support/expect-clean-flow.js'

let set: EvmTarget
/** The testkit replica set, for the faults only it can force (lag, a wrong-chain replica). */
const testkit = () => set.set!
const options: FailoverProviderOptions = {
  cacheTimeout: -1,
  pollingInterval: 100,
  attemptTimeoutMs: 1000,
  probeIntervalMs: 250,
  probeTimeoutMs: 500,
}
const keys = () => set.keys.slice(0, 3) as [string, string, string]

const expectClean = (r: FlowResult) => expectCleanFlow(r, 50)

/** Attempts per endpoint url (redacted) and outcome, from the set's events. */
type Attempts = Map<string, { success: number; failure: number; leftHealthy: boolean }>

async function flowThrough(
  fault: () => Promise<void>,
  urls: readonly string[] = set.urls,
): Promise<{ result: FlowResult; attempts: Attempts }> {
  const provider = new FailoverProvider([...urls], set.chainId, options)
  const attempts: Attempts = new Map()
  provider.endpointSet.on('attempt', (e) => {
    const row = attempts.get(e.url) ?? { success: 0, failure: 0, leftHealthy: false }
    if (e.outcome === 'success' || e.outcome === 'fatal') row.success++
    else if (e.outcome === 'failure') row.failure++
    attempts.set(e.url, row)
  })
  provider.endpointSet.on('stateChange', (e) => {
    const row = attempts.get(e.url) ?? { success: 0, failure: 0, leftHealthy: false }
    if (e.from === 'healthy') row.leftHealthy = true
    attempts.set(e.url, row)
  })
  const log: string[] = []
  const t0 = Date.now()
  if (process.env.FLOW_DEBUG) {
    provider.endpointSet.on('attempt', (e) => {
      if (e.outcome !== 'success')
        log.push(
          `${Date.now() - t0} attempt ${e.url} ${e.outcome} ${e.error?.message.slice(0, 80)}`,
        )
    })
    provider.endpointSet.on('stateChange', (e) =>
      log.push(`${Date.now() - t0} ${e.url} ${e.from}->${e.to} ${e.reason}`),
    )
  }
  try {
    const result = await runDappFlow({
      provider,
      keys: keys(),
      fault,
      deadlineMs: 100_000,
      trace: {
        label: expect.getState().currentTestName ?? 'flow',
        directUrls: set.replicas.map((r) => r.directUrl),
      },
    })
    if (process.env.FLOW_DEBUG) console.log(Date.now() - t0, JSON.stringify(result), log.join('\n'))
    return { result, attempts }
  } finally {
    await provider.close()
  }
}

/** The fault hit the primary (failed calls there, or its probe saw it) and others served. */
function expectFailedOver(attempts: Attempts) {
  const primary = attempts.get(set.urls[0]!)
  expect((primary?.failure ?? 0) > 0 || primary?.leftHealthy === true).toBe(true)
  expect(attempts.get(set.urls[1]!)?.success ?? 0).toBeGreaterThan(0)
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
  await set.sync()
})

// No retry: the flows that never settled (bug 1 in docs/reliability.md: ethers skipped the blocks
// mined between two of its block subscriptions) are fixed. STEADFAST_ETHERS_RETRIES=n retries.
describe('FailoverProvider under faults (3 ganache replicas, dApp flow)', {
  timeout: 120_000,
  retry: Number(process.env.STEADFAST_ETHERS_RETRIES ?? 0),
}, () => {
  it('behavior: the flow completes cleanly when the primary is killed', async () => {
    const primary = set.replicas[0]!
    const { result, attempts } = await flowThrough(async () => {
      await primary.kill()
      await sleep(1500)
      await primary.restart()
    })
    expectClean(result)
    expectFailedOver(attempts)
  })

  it('behavior: the flow completes cleanly when the primary hangs (blackhole)', {
    timeout: 120_000,
  }, async () => {
    const proxy = set.replicas[0]!.proxy
    const { result, attempts } = await flowThrough(async () => {
      await proxy.setMode({ kind: 'hang' })
      await sleep(2000)
      await proxy.setMode({ kind: 'pass' })
    })
    expectClean(result)
    expectFailedOver(attempts)
  })

  it.each([500, 404, 429])(
    'behavior: the flow completes cleanly when the primary answers HTTP %i',
    async (status) => {
      const proxy = set.replicas[0]!.proxy
      const { result, attempts } = await flowThrough(async () => {
        await proxy.setMode({
          kind: 'http',
          status,
          body: status === 404 ? '<html>not found</html>' : 'error',
        })
        await sleep(1500)
        await proxy.setMode({ kind: 'pass' })
      })
      expectClean(result)
      expectFailedOver(attempts)
    },
  )

  it('behavior: the flow completes cleanly when the primary is slowed by 800 ms', async () => {
    const proxy = set.replicas[0]!.proxy
    const { result, attempts } = await flowThrough(async () => {
      await proxy.setMode({ kind: 'slow', delayMs: 800 })
      await sleep(2500)
      await proxy.setMode({ kind: 'pass' })
    })
    expectClean(result)
    // Slow is not down: the primary kept answering (slowly).
    expect(attempts.get(set.urls[0]!)?.success ?? 0).toBeGreaterThan(0)
  })

  it('behavior: the flow completes cleanly through a rolling restart of all three replicas', async () => {
    const { result, attempts } = await flowThrough(async () => {
      for (const r of set.replicas) {
        await r.kill()
        await sleep(500)
        await r.restart()
      }
    })
    expectClean(result)
    // Each replica was down once: traffic had to move between at least two of them.
    const served = set.urls.filter((url) => (attempts.get(url)?.success ?? 0) > 0)
    expect(served.length).toBeGreaterThanOrEqual(2)
  })

  testkitOnly(
    'behavior: a primary lagging 20 blocks serves nothing while fresher replicas answer',
    async () => {
      const lagging = testkit().replicas[0]!
      lagging.holdReplication()
      try {
        await testkit().mineBlocks(20)
        expect(await set.replicas[1]!.blockNumber()).toBe((await lagging.blockNumber()) + 20)
        const { result, attempts } = await flowThrough(async () => {})
        expectClean(result)
        expect(attempts.get(set.urls[0]!)?.success ?? 0).toBe(0)
      } finally {
        await lagging.catchUp()
      }
    },
  )

  testkitOnly(
    'behavior: a wrong-chainId replica first in the list serves zero answers',
    async () => {
      const wrong = await testkit().addMisconfiguredReplica({ chainId: 1338 })
      const { result, attempts } = await flowThrough(async () => {}, [wrong.url, ...set.urls])
      expectClean(result)
      expect(attempts.get(wrong.url)?.success ?? 0).toBe(0)
      expect(attempts.get(set.urls[0]!)?.success ?? 0).toBeGreaterThan(0)
    },
  )
})
