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
