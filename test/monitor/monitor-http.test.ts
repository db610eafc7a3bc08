import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callReplica } from './support/http-replicas.js'
import { call, type MonitorFixture, startMonitorFixture, until } from './support/monitor-fixture.js'
import { parsePromText, sumOf } from './support/prom-text.js'

let f: MonitorFixture
const metrics = async () => parsePromText((await call(f.monitor, '/metrics')).text)
const stateOf = (id: string) => f.main.status().find((s) => s.id === id)?.state

beforeAll(async () => {
  f = await startMonitorFixture()
})
afterAll(async () => {
  await f?.close()
})

describe('monitor over real HTTP: read-only routes', () => {
  it('behavior: /healthz answers ok and /readyz is ready while every set has an endpoint', async () => {
    expect((await call(f.monitor, '/healthz')).json).toEqual({ status: 'ok' })
    const ready = await call(f.monitor, '/readyz')
    expect(ready.status).toBe(200)
    expect(ready.json).toEqual({ ready: true })
  })

  it('behavior: /status lists every set and endpoint with state, height and redacted URL', async () => {
    const { status, json } = await call(f.monitor, '/status')
    expect(status).toBe(200)
    expect(json.sets.map((s: { name: string }) => s.name)).toEqual(['main', 'aux'])
    const main = json.sets[0]
    expect(main.current).toBe(f.ids[0])
    expect(main.endpoints).toHaveLength(3)
    expect(main.endpoints[0]).toMatchObject({
      id: f.ids[0],
      state: 'healthy',
      height: 100,
      lag: 0,
      inFlight: 0,
    })
    expect(main.endpoints[0].url).toContain('***')
    expect(Object.keys(main.endpoints[0]).sort()).toEqual(
      [
        'height',
        'id',
        'inFlight',
        'labels',
        'lag',
        'lastError',
        'latencyMs',
        'reason',
        'since',
        'state',
        'url',
      ].sort(),
    )
  })

  it('behavior: /metrics is valid Prometheus text with every documented family', async () => {
    const res = await call(f.monitor, '/metrics')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const e = parsePromText(res.text)
    for (const name of [
      'endpoint_up',
      'endpoint_state',
      'endpoint_height',
      'endpoint_lag',
      'endpoint_latency_seconds',
      'endpoint_in_flight',
      'set_ready',
      'requests_total',
      'request_duration_seconds',
      'failovers_total',
      'hedges_total',
      'rebalances_total',
      'state_transitions_total',
      'probe_duration_seconds',
      'monitor_actions_total',
    ]) {
      expect(e.types.has(`steadfast_${name}`), name).toBe(true)
    }
    expect(sumOf(e, 'steadfast_endpoint_up', { set: 'main' })).toBe(3)
    expect(sumOf(e, 'steadfast_endpoint_state', { set: 'main', state: 'healthy' })).toBe(3)
    expect(sumOf(e, 'steadfast_endpoint_height', { set: 'main', endpoint: f.ids[1] })).toBe(100)
    // Probe events feed the histogram: one shows up within a few probe intervals.
    await until(
      'a probe is observed',
      async () =>
        sumOf(await metrics(), 'steadfast_probe_duration_seconds_count', { set: 'main' }) > 0,
    )
  })

  it('error: wrong method gets 405 with Allow, unknown path 404, HEAD works', async () => {
    const post = await call(f.monitor, '/status', { method: 'POST', raw: '{}' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    const get = await call(f.monitor, '/cordon')
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect((await call(f.monitor, '/nope')).status).toBe(404)
    expect((await call(f.monitor, '/healthz', { method: 'HEAD' })).status).toBe(200)
  })
})

describe('monitor over real HTTP: metrics move when faults happen', () => {
  it('behavior: a dead primary moves requests, failovers, state and up', async () => {
    const [a, b] = f.ids
    for (let i = 0; i < 3; i++)
      expect(await f.main.execute((ep, ctx) => callReplica(ep, ctx.signal))).toBe('a')
    const before = await metrics()
    expect(
      sumOf(before, 'steadfast_requests_total', { endpoint: a, outcome: 'success' }),
    ).toBeGreaterThanOrEqual(3)
    expect(sumOf(before, 'steadfast_endpoint_state', { endpoint: a, state: 'healthy' })).toBe(1)

    await f.replicas.replicas[0]!.proxy.setMode({ kind: 'http', status: 503, body: 'down' })
    try {
      expect(await f.main.execute((ep, ctx) => callReplica(ep, ctx.signal))).toBe('b')
      await until('a leaves healthy', () => stateOf(a) !== 'healthy')
      const after = await metrics()
      const delta = (name: string, labels: Record<string, string>) =>
        sumOf(after, name, labels) - sumOf(before, name, labels)
      expect(
        delta('steadfast_requests_total', { endpoint: a, outcome: 'failure' }),
      ).toBeGreaterThanOrEqual(1)
      expect(
        delta('steadfast_requests_total', { endpoint: b, outcome: 'success' }),
      ).toBeGreaterThanOrEqual(1)
      expect(
        delta('steadfast_failovers_total', { set: 'main', endpoint: a }),
      ).toBeGreaterThanOrEqual(1)
      expect(
        delta('steadfast_request_duration_seconds_count', { endpoint: a, outcome: 'failure' }),
      ).toBeGreaterThanOrEqual(1)
      expect(sumOf(after, 'steadfast_endpoint_state', { endpoint: a, state: 'healthy' })).toBe(0)
      expect(sumOf(after, 'steadfast_endpoint_state', { endpoint: a })).toBe(1)
      expect(sumOf(after, 'steadfast_endpoint_up', { endpoint: a })).toBe(0)
      expect(
        sumOf(after, 'steadfast_state_transitions_total', { endpoint: a }),
      ).toBeGreaterThanOrEqual(1)
      const status = (await call(f.monitor, '/status')).json
      expect(status.sets[0].endpoints[0].lastError).toEqual(expect.any(String))
    } finally {
      await f.replicas.replicas[0]!.proxy.setMode({ kind: 'pass' })
    }
    await until('a healthy again', () => stateOf(a) === 'healthy' || stateOf(a) === 'ejected')
  })
})

describe('monitor over real HTTP: actions', () => {
  it('behavior: /readyz answers 503 naming the set once its only endpoint is cordoned', async () => {
    const aux = f.aux.endpoints[0]!.id
    const cordon = await call(f.monitor, '/cordon', {
      body: { set: 'aux', endpoint: aux, reason: 'drain' },
    })
    expect(cordon.json).toMatchObject({
      action: 'cordon',
      set: 'aux',
      endpoints: [aux],
      current: null,
    })
    try {
      const ready = await call(f.monitor, '/readyz')
      expect(ready.status).toBe(503)
      expect(ready.json).toEqual({
        ready: false,
        reason: 'no usable endpoint in set aux',
        sets: ['aux'],
      })
      const metrics = parsePromText((await call(f.monitor, '/metrics')).text)
      expect(sumOf(metrics, 'steadfast_set_ready', { set: 'aux' })).toBe(0)
      // A monitor that requires only `main` stays ready.
      const { startMonitor } = await import('@steadfast/monitor')
      const { Registry } = await import('./support/prom-client.js')
      const m = await startMonitor({
        sets: [f.main, f.aux],
        requiredSets: ['main'],
        port: 0,
        registry: new Registry(),
      })
      expect((await call(m, '/readyz')).status).toBe(200)
      await m.close()
    } finally {
      await call(f.monitor, '/uncordon', { body: { set: 'aux' } })
    }
    expect((await call(f.monitor, '/readyz')).status).toBe(200)
  })

  it('behavior: /prefer moves current(), /rebalance announces a move, /uncordon without endpoint clears every cordon', async () => {
    const [a, b, c] = f.ids
    const events: string[] = []
    const off = f.main.on('rebalance', (e) => events.push(`${e.reason}:${e.to}`))
    try {
      const prefer = await call(f.monitor, '/prefer', {
        body: { set: 'main', endpoint: c, ttlMs: 60_000 },
      })
      expect(prefer.json).toMatchObject({ action: 'prefer', endpoints: [c], current: c })
      expect(f.main.current()?.id).toBe(c)
      const rebalance = await call(f.monitor, '/rebalance', {
        body: { set: 'main', endpoint: c, reason: 'ops' },
      })
      expect(rebalance.status).toBe(200)
      // Off c, onto a (or b while a is still ejected by the fault test above).
      const moved = f.main.current()?.id
      expect([a, b]).toContain(moved)
      expect(events.at(-1)).toBe(`ops:${moved}`)
      for (const id of [a, b])
        await call(f.monitor, '/cordon', { body: { set: 'main', endpoint: id } })
      expect(f.main.current()?.id).toBe(c)
      const all = await call(f.monitor, '/uncordon', { body: { set: 'main' } })
      expect(all.json).toMatchObject({
        action: 'uncordon',
        endpoints: [a, b],
        current: f.main.current()?.id,
      })
      expect(all.json.current).not.toBe(c)
      expect(f.main.status().map((s) => s.state)).not.toContain('cordoned')
      const actions = parsePromText((await call(f.monitor, '/metrics')).text)
      expect(
        sumOf(actions, 'steadfast_monitor_actions_total', { source: 'api', action: 'cordon' }),
      ).toBeGreaterThanOrEqual(2)
      expect(sumOf(actions, 'steadfast_rebalances_total', { set: 'main' })).toBeGreaterThanOrEqual(
        4,
      )
    } finally {
      off()
    }
  })
})
