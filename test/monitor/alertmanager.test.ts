import { readFileSync } from 'node:fs'
import type { Endpoint, EndpointSet, SetEvents } from '@steadfast/core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { callReplica } from './support/http-replicas.js'
import { call, type MonitorFixture, startMonitorFixture } from './support/monitor-fixture.js'

type Payload = {
  status: string
  alerts: Array<{ status: string; labels: Record<string, string>; fingerprint?: string }>
}
const sample = (name: 'firing' | 'resolved'): Payload =>
  JSON.parse(
    readFileSync(new URL(`../../examples/alertmanager/${name}.json`, import.meta.url), 'utf8'),
  )

/** The sample payload with its alert's `instance` pointed at one of the test's endpoints. */
function samplePayload(
  name: 'firing' | 'resolved',
  instance: string,
  extra: Record<string, string> = {},
) {
  const p = sample(name)
  for (const a of p.alerts) a.labels = { ...a.labels, instance, ...extra }
  return p
}

/**
 * What a connection-holding adapter does (contract: listen to `rebalance`, call `current()`,
 * move when it differs): holds one endpoint and sends its calls there only.
 */
class ConnectionHolder {
  held: Endpoint | undefined
  moves: string[] = []
  readonly dispose: () => void
  constructor(set: EndpointSet) {
    this.held = set.current()
    this.dispose = set.on('rebalance', () => {
      const next = set.current()
      if (next && next.id !== this.held?.id) {
        this.moves.push(`${this.held?.id} -> ${next.id}`)
        this.held = next
      }
    })
  }
  call(): Promise<string> {
    return callReplica(this.held!, AbortSignal.timeout(5_000))
  }
}

let f: MonitorFixture
const hostPortOf = (i: number) => `127.0.0.1:${f.replicas.replicas[i]!.proxy.port}`
const stateIn = (set: EndpointSet, id: string) => set.status().find((s) => s.id === id)?.state
const post = (body: unknown) => call(f.monitor, '/alertmanager', { body })

beforeAll(async () => {
  f = await startMonitorFixture()
})
afterAll(async () => {
  await f?.close()
})
beforeEach(async () => {
  await call(f.monitor, '/uncordon', { body: { set: 'main' } })
  await call(f.monitor, '/uncordon', { body: { set: 'aux' } })
})

describe('POST /alertmanager', () => {
  it('behavior: the sample firing alert cordons its endpoint and a connection holder moves; resolved moves it back', async () => {
    const [a, b] = f.ids
    const holder = new ConnectionHolder(f.main)
    const rebalances: SetEvents['rebalance'][] = []
    const off = f.main.on('rebalance', (e) => rebalances.push(e))
    try {
      expect(await holder.call()).toBe('a')
      const fired = await post(samplePayload('firing', hostPortOf(0)))
      expect(fired.status).toBe(200)
      expect(fired.json).toMatchObject({ receiver: 'steadfast', status: 'firing', applied: 1 })
      expect(fired.json.alerts[0]).toMatchObject({
        alertname: 'QuorumNodeDown',
        unmatched: null,
        targets: [{ set: 'main', endpoint: a, action: 'cordon', outcome: 'applied', current: b }],
      })
      expect(stateIn(f.main, a)).toBe('cordoned')
      expect(f.main.status().find((s) => s.id === a)?.reason).toMatch(/QuorumNodeDown/)
      expect(f.main.current()?.id).toBe(b)
      expect(rebalances.at(-1)).toMatchObject({ set: 'main', from: a, to: b })
      expect(await holder.call()).toBe('b')
      expect(holder.moves).toEqual([`${a} -> ${b}`])

      const resolved = await post(samplePayload('resolved', hostPortOf(0)))
      expect(resolved.json.alerts[0].targets[0]).toMatchObject({
        action: 'uncordon',
        outcome: 'applied',
        current: a,
      })
      expect(stateIn(f.main, a)).not.toBe('cordoned')
      expect(f.main.current()?.id).toBe(a)
      expect(await holder.call()).toBe('a')
      expect(holder.moves).toEqual([`${a} -> ${b}`, `${b} -> ${a}`])
    } finally {
      off()
      holder.dispose()
    }
  })

  it('behavior: steadfast_set + steadfast_endpoint pick exactly one set even when the instance is shared', async () => {
    const c = f.ids[2]
    const aux = f.aux.endpoints[0]!.id
    const res = await post(
      samplePayload('firing', hostPortOf(2), { steadfast_set: 'aux', steadfast_endpoint: aux }),
    )
    expect(res.json.alerts[0].targets).toMatchObject([
      { set: 'aux', endpoint: aux, outcome: 'applied' },
    ])
    expect(stateIn(f.aux, aux)).toBe('cordoned')
    expect(stateIn(f.main, c)).toBe('healthy')
    // Only by instance: every set holding that host:port is cordoned.
    const wide = await post(samplePayload('firing', hostPortOf(2), { fingerprint: 'x' }))
    expect(wide.json.alerts[0].targets.map((t: { set: string }) => t.set).sort()).toEqual([
      'aux',
      'main',
    ])
    expect(stateIn(f.main, c)).toBe('cordoned')
  })

  it('behavior: steadfast_action=rebalance re-picks without cordoning, and resolving it changes nothing', async () => {
    const [a] = f.ids
    const rebalances: SetEvents['rebalance'][] = []
    const off = f.main.on('rebalance', (e) => rebalances.push(e))
    try {
      const fired = await post(
        samplePayload('firing', hostPortOf(0), { steadfast_action: 'rebalance' }),
      )
      expect(fired.json.alerts[0].targets[0]).toMatchObject({
        action: 'rebalance',
        outcome: 'applied',
      })
      expect(rebalances).toHaveLength(1)
      expect(rebalances[0]).toMatchObject({ from: a })
      expect(stateIn(f.main, a)).toBe('healthy')
      const resolved = await post(
        samplePayload('resolved', hostPortOf(0), { steadfast_action: 'rebalance' }),
      )
      expect(resolved.json.alerts[0].targets[0]).toMatchObject({
        action: 'none',
        outcome: 'skipped',
      })
      expect(rebalances).toHaveLength(1)
    } finally {
      off()
    }
  })

  it('behavior: an endpoint cordoned by two alerts stays cordoned until both resolve', async () => {
    const a = f.ids[0]
    const two = samplePayload('firing', hostPortOf(0))
    two.alerts.push({ ...two.alerts[0]!, fingerprint: 'second-alert' })
    await post(two)
    expect(stateIn(f.main, a)).toBe('cordoned')
    const first = samplePayload('resolved', hostPortOf(0))
    const r1 = await post(first)
    expect(r1.json.alerts[0].targets[0]).toMatchObject({
      outcome: 'skipped',
      message: 'still cordoned by another firing alert',
    })
    expect(stateIn(f.main, a)).toBe('cordoned')
    first.alerts[0]!.fingerprint = 'second-alert'
    await post(first)
    expect(stateIn(f.main, a)).not.toBe('cordoned')
  })

  it('behavior: unmatched and unknown targets are reported per alert, with 200, and change nothing', async () => {
    const before = f.main.status().map((s) => s.state)
    const p = samplePayload('firing', '127.0.0.1:1')
    p.alerts.push({ status: 'firing', labels: { alertname: 'NoLabels' } })
    p.alerts.push({
      status: 'firing',
      labels: { alertname: 'X', steadfast_set: 'ghost', steadfast_endpoint: 'e' },
    })
    p.alerts.push({
      status: 'firing',
      labels: { alertname: 'Y', instance: hostPortOf(0), steadfast_action: 'explode' },
    })
    const res = await post(p)
    expect(res.status).toBe(200)
    expect(res.json.applied).toBe(0)
    expect(res.json.alerts.map((a: { unmatched: string | null }) => a.unmatched)).toEqual([
      'no endpoint matches label instance',
      'no steadfast_set, steadfast_endpoint or instance label',
      null,
      'label steadfast_action: unknown action',
    ])
    expect(res.json.alerts[2].targets[0]).toMatchObject({ set: 'ghost', outcome: 'not_found' })
    expect(f.main.status().map((s) => s.state)).toEqual(before)
  })

  it('error: payloads of another version or shape get 400', async () => {
    const v3 = { ...sample('firing'), version: '3' }
    expect((await post(v3)).json.error).toMatchObject({ field: 'version' })
    expect((await post({ ...sample('firing'), alerts: null })).json.error).toMatchObject({
      field: 'alerts',
    })
  })
})
