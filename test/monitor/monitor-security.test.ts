import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError } from '@steadfast/core'
import {
  InsecureBindError,
  ListenError,
  MetricsConflictError,
  startMonitor,
} from '@steadfast/monitor'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, type MonitorFixture, startMonitorFixture, TOKEN } from './support/monitor-fixture.js'
import { Counter, Registry } from './support/prom-client.js'

let f: MonitorFixture
let events = 0
const states = () => f.main.status().map((s) => s.state)

beforeAll(async () => {
  f = await startMonitorFixture({ bodyLimitBytes: 1024 })
  f.main.on('stateChange', () => events++)
  f.main.on('rebalance', () => events++)
})
afterAll(async () => {
  await f?.close()
})

describe('monitor security: authentication', () => {
  it('error: missing or wrong token gets 401 on every mutating route and nothing changes', async () => {
    const before = states()
    const seen = events
    const body = { set: 'main', endpoint: f.ids[0] }
    for (const path of ['/cordon', '/rebalance', '/uncordon', '/prefer', '/alertmanager']) {
      for (const token of [null, 'wrong-token-0123456789', `${TOKEN}x`, TOKEN.slice(0, -1), '']) {
        const res = await call(f.monitor, path, { body, token })
        expect(res.status, `${path} ${token}`).toBe(401)
        expect(res.json.error.code).toBe('UNAUTHORIZED')
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      }
    }
    expect(states()).toEqual(before)
    expect(events).toBe(seen)
    expect(f.main.current()?.id).toBe(f.ids[0])
  })

  it('error: a monitor without a token refuses mutations with 403 even from loopback', async () => {
    const m = await startMonitor({ sets: [f.aux], port: 0, registry: new Registry() })
    try {
      const res = await call(m, '/rebalance', { body: { set: 'aux' } })
      expect(res.status).toBe(403)
      expect(res.json.error.code).toBe('MUTATIONS_DISABLED')
    } finally {
      await m.close()
    }
  })
})

describe('monitor security: DNS rebinding', () => {
  it('error: a loopback monitor answers 403 to a foreign Host header, even for GET', async () => {
    const { port } = f.monitor
    const get = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/status', headers: { host } },
          (res) => {
            let body = ''
            res.on('data', (d: Buffer) => {
              body += d.toString()
            })
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
          },
        )
        req.on('error', reject)
        req.end()
      })
    const evil = await get(`rebind.evil.example:${port}`)
    expect(evil.status).toBe(403)
    expect(JSON.parse(evil.body).error.code).toBe('HOST_NOT_ALLOWED')
    expect(evil.body).not.toContain('endpoints')
    expect((await get(`localhost:${port}`)).status).toBe(200)
  })
})

describe('monitor security: input validation', () => {
  const bad = async (path: string, init: Parameters<typeof call>[2]) => {
    const res = await call(f.monitor, path, init)
    return {
      status: res.status,
      code: res.json?.error?.code,
      field: res.json?.error?.field,
      message: res.json?.error?.message,
    }
  }

  it('error: malformed JSON, empty and non-object bodies get 400', async () => {
    const ct = { 'content-type': 'application/json' }
    expect(await bad('/cordon', { raw: '{"set": "main",', headers: ct })).toMatchObject({
      status: 400,
      code: 'INVALID_JSON',
    })
    expect(await bad('/cordon', { raw: '', headers: ct })).toMatchObject({
      status: 400,
      code: 'INVALID_BODY',
    })
    expect(await bad('/cordon', { body: [1, 2] })).toMatchObject({ status: 400, field: 'body' })
    expect(await bad('/alertmanager', { body: 'text' })).toMatchObject({
      status: 400,
      field: 'body',
    })
  })

  it('error: wrong types get 400 naming the field', async () => {
    const e = f.ids[0]
    expect(await bad('/cordon', { body: { set: 5 } })).toMatchObject({ status: 400, field: 'set' })
    expect(await bad('/cordon', { body: {} })).toMatchObject({
      status: 400,
      field: 'set',
      message: 'set: required',
    })
    expect(await bad('/cordon', { body: { set: 'main', endpoint: ['x'] } })).toMatchObject({
      field: 'endpoint',
    })
    expect(
      await bad('/cordon', { body: { set: 'main', endpoint: e, ttlMs: '60s' } }),
    ).toMatchObject({ field: 'ttlMs' })
    expect(await bad('/cordon', { body: { set: 'main', endpoint: e, ttlMs: -1 } })).toMatchObject({
      field: 'ttlMs',
    })
    expect(await bad('/cordon', { body: { set: 'main', endpoint: e, ttlMs: 1.5 } })).toMatchObject({
      field: 'ttlMs',
    })
    expect(await bad('/cordon', { body: { set: 'main', endpoint: e, reason: {} } })).toMatchObject({
      field: 'reason',
    })
    expect(await bad('/cordon', { body: { set: 'main', endpiont: e } })).toMatchObject({
      field: 'endpiont',
    })
    expect(await bad('/cordon', { body: { set: 'main' } })).toMatchObject({
      status: 400,
      field: 'endpoint',
    })
    expect(await bad('/rebalance', { body: { set: 'main', ttlMs: 5 } })).toMatchObject({
      status: 400,
      field: 'ttlMs',
    })
    expect(
      await bad('/alertmanager', {
        body: { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { a: 1 } }] },
      }),
    ).toMatchObject({ status: 400, field: 'alerts[0].labels.a' })
    expect(states().every((s) => s === 'healthy')).toBe(true)
  })

  it('error: an oversized body gets 413, a non-JSON content type 415', async () => {
    const big = { set: 'main', reason: 'x'.repeat(2048) }
    expect(await bad('/rebalance', { body: big })).toMatchObject({
      status: 413,
      code: 'BODY_TOO_LARGE',
    })
    // Without Content-Length (chunked), the limit holds while streaming.
    const res = await fetch(`${f.monitor.url}/rebalance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode(' '.repeat(512)))
          c.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(
      await bad('/rebalance', {
        raw: 'set=main',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ).toMatchObject({ status: 415 })
  })

  it('error: unknown set or endpoint gets 404', async () => {
    expect(await bad('/rebalance', { body: { set: 'nope' } })).toMatchObject({
      status: 404,
      code: 'UNKNOWN_SET',
      field: 'set',
    })
    expect(await bad('/cordon', { body: { set: 'main', endpoint: '127.0.0.1:1' } })).toMatchObject({
      status: 404,
      code: 'UNKNOWN_ENDPOINT',
      field: 'endpoint',
    })
    expect(states().every((s) => s === 'healthy')).toBe(true)
    expect((await call(f.monitor, '/healthz')).status).toBe(200)
  })
})

describe('monitor security: startup', () => {
  it('error: refuses a non-loopback address without a token (INSECURE_BIND)', async () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3']) {
      const e = await startMonitor({ sets: [f.aux], host, port: 0 }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(InsecureBindError)
      expect((e as InsecureBindError).code).toBe('INSECURE_BIND')
    }
  })

  it('error: a taken port gives LISTEN_FAILED, bad options INVALID_CONFIG, a registry clash METRICS_CONFLICT', async () => {
    const busy = createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as AddressInfo).port
    const registry = new Registry()
    try {
      const e = await startMonitor({ sets: [f.aux], port, registry }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(ListenError)
      expect((e as ListenError).code).toBe('LISTEN_FAILED')
      // The failed start left nothing registered behind: a second start on the same registry works.
      const ok = await startMonitor({ sets: [f.aux], port: 0, registry })
      const clash = await startMonitor({ sets: [f.aux], port: 0, registry }).catch(
        (x: unknown) => x,
      )
      expect(clash).toBeInstanceOf(MetricsConflictError)
      await ok.close()
      expect(registry.getMetricsAsArray()).toHaveLength(0)
    } finally {
      busy.close()
    }
    const configErrors: Array<[Record<string, unknown>, string]> = [
      [{ sets: [] }, 'sets'],
      [{ sets: [f.aux, f.aux] }, 'sets[1].name'],
      [{ sets: [f.aux], token: 'short' }, 'token'],
      [{ sets: [f.aux], port: 70000 }, 'port'],
      [{ sets: [f.aux], bodyLimitBytes: 0 }, 'bodyLimitBytes'],
      [{ sets: [f.aux], requiredSets: ['zzz'] }, 'requiredSets[0]'],
      [{ sets: [f.aux], alertAction: 'explode' }, 'alertAction'],
      [{ sets: [f.aux], metricPrefix: '9bad' }, 'metricPrefix'],
    ]
    for (const [opts, field] of configErrors) {
      const e = await startMonitor(opts as never).catch((x: unknown) => x)
      expect(e, field).toBeInstanceOf(ConfigError)
      expect((e as ConfigError).field).toBe(field)
      expect(String((e as Error).message)).not.toContain('short')
    }
  })

  it('behavior: aborting the signal closes the monitor; an aborted signal refuses to start', async () => {
    const ac = new AbortController()
    const registry = new Registry()
    const m = await startMonitor({ sets: [f.aux], port: 0, registry, signal: ac.signal })
    expect((await call(m, '/healthz')).status).toBe(200)
    ac.abort()
    await expect(fetch(`${m.url}/healthz`)).rejects.toThrow()
    expect(registry.getMetricsAsArray()).toHaveLength(0)
    await expect(startMonitor({ sets: [f.aux], port: 0, signal: ac.signal })).rejects.toThrow()
  })

  it('behavior: shares the app registry, leaving the app metrics alone on close', async () => {
    const registry = new Registry()
    new Counter({ name: 'app_requests_total', help: 'app', registers: [registry] }).inc(3)
    const m = await startMonitor({ sets: [f.aux], port: 0, registry })
    const text = (await call(m, '/metrics')).text
    expect(text).toContain('app_requests_total 3')
    expect(text).toContain('steadfast_endpoint_up{set="aux"')
    await m.close()
    expect(registry.getMetricsAsArray().map((x) => x.name)).toEqual(['app_requests_total'])
    await expect(fetch(`${m.url}/healthz`)).rejects.toThrow()
  })
})
