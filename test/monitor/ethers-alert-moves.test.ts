import { readFileSync } from 'node:fs'
import { FailoverProvider } from '@steadfast/ethers'
import { type RunningMonitor, startMonitor } from '@steadfast/monitor'
import { type EvmReplicaSet, startEvmReplicaSet } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, TOKEN, until } from './support/monitor-fixture.js'
import { parsePromText, sumOf } from './support/prom-text.js'

let chain: EvmReplicaSet
let provider: FailoverProvider
let monitor: RunningMonitor

const sample = (name: 'firing' | 'resolved', instance: string) => {
  const p = JSON.parse(
    readFileSync(new URL(`../../examples/alertmanager/${name}.json`, import.meta.url), 'utf8'),
  )
  for (const a of p.alerts) a.labels.instance = instance
  return p
}

beforeAll(async () => {
  chain = await startEvmReplicaSet({ replicas: 2, chainId: 1337 })
  provider = new FailoverProvider([...chain.urls], chain.chainId, {
    name: 'quorum',
    cacheTimeout: -1,
    attemptTimeoutMs: 2_000,
    probeIntervalMs: 250,
    probeTimeoutMs: 1_000,
    failbackAfterMs: 0,
  })
  monitor = await startMonitor({ sets: [provider.endpointSet], port: 0, token: TOKEN })
})
afterAll(async () => {
  await monitor?.close()
  await provider?.close()
  await chain?.close()
})

describe('Alertmanager → monitor → a real ethers FailoverProvider', () => {
  it('behavior: the sample alert moves reads off replica 0 and back; the metrics follow', async () => {
    const set = provider.endpointSet
    const [r0, r1] = set.endpoints
    const served: string[] = []
    const off = set.on('attempt', (e) => {
      if (e.outcome === 'success') served.push(e.endpoint)
    })
    const read = async () => {
      served.length = 0
      expect(await provider.getBalance(chain.accounts[0]!.address)).toBeGreaterThan(0n)
      return [...new Set(served)]
    }
    try {
      await until('replica 0 held', () => set.current()?.id === r0!.id)
      expect(await read()).toEqual([r0!.id])
      const instance = new URL(chain.urls[0]!).host

      const fired = await call(monitor, '/alertmanager', { body: sample('firing', instance) })
      expect(fired.json.alerts[0].targets).toMatchObject([
        { set: 'quorum', endpoint: r0!.id, action: 'cordon', outcome: 'applied', current: r1!.id },
      ])
      expect(await read()).toEqual([r1!.id])
      const metrics = parsePromText((await call(monitor, '/metrics')).text)
      expect(
        sumOf(metrics, 'steadfast_endpoint_state', {
          set: 'quorum',
          endpoint: r0!.id,
          state: 'cordoned',
        }),
      ).toBe(1)
      expect(
        sumOf(metrics, 'steadfast_monitor_actions_total', {
          action: 'cordon',
          source: 'alertmanager',
        }),
      ).toBe(1)
      expect(
        sumOf(metrics, 'steadfast_requests_total', { endpoint: r1!.id, outcome: 'success' }),
      ).toBeGreaterThan(0)

      await call(monitor, '/alertmanager', { body: sample('resolved', instance) })
      await until('back on replica 0', () => set.current()?.id === r0!.id)
      expect(await read()).toEqual([r0!.id])
    } finally {
      off()
    }
  })
})
