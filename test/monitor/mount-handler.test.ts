import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEndpointSet, type EndpointSet } from '@steadfast/core'
import { createMonitorHandler, type MonitorHandler } from '@steadfast/monitor'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKEN } from './support/monitor-fixture.js'
import { parsePromText } from './support/prom-text.js'

let set: EndpointSet
let handler: MonitorHandler
let server: Server
let base: string

/** What express.json() leaves behind: the stream consumed, the parsed value on req.body. */
async function jsonBodyParser(req: IncomingMessage): Promise<void> {
  if (!req.headers['content-type']?.includes('json')) return
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  ;(req as IncomingMessage & { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString())
}

beforeAll(async () => {
  set = createEndpointSet({ name: 'main', endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] })
  handler = createMonitorHandler({ sets: [set], token: TOKEN })
  // An app server with its own routes; the monitor is mounted under /ops, Express style:
  // the prefix is stripped from req.url and unknown paths fall through to next().
  server = createServer(async (req, res) => {
    if (req.url === '/app') return res.end('app')
    if (!req.url?.startsWith('/ops/')) return res.writeHead(404).end('app 404')
    req.url = req.url.slice('/ops'.length)
    if (req.url.startsWith('/parsed/')) {
      req.url = req.url.slice('/parsed'.length)
      await jsonBodyParser(req)
    }
    handler(req, res, () => res.writeHead(418).end('next() called'))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  handler?.close()
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r))
  await set?.close()
})

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('createMonitorHandler mounted on an existing server', () => {
  it('behavior: serves its routes under a prefix and hands unknown paths to next()', async () => {
    expect(await (await fetch(`${base}/app`)).text()).toBe('app')
    expect(await (await fetch(`${base}/ops/healthz`)).json()).toEqual({ status: 'ok' })
    const metrics = await fetch(`${base}/ops/metrics`)
    expect(parsePromText(await metrics.text()).types.has('steadfast_endpoint_up')).toBe(true)
    const other = await fetch(`${base}/ops/something-else`)
    expect(other.status).toBe(418)
  })

  it('behavior: acts on a body a framework already parsed (express.json())', async () => {
    const [a, b] = set.endpoints
    const res = await post('/ops/parsed/cordon', { set: 'main', endpoint: a!.id })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ action: 'cordon', endpoints: [a!.id], current: b!.id })
    expect(set.status()[0]?.state).toBe('cordoned')
    const bad = await post('/ops/parsed/uncordon', { set: 'main', endpoint: 5 })
    expect(bad.status).toBe(400)
    expect((await post('/ops/uncordon', { set: 'main' })).status).toBe(200)
    expect(set.status()[0]?.state).not.toBe('cordoned')
  })

  it('behavior: after close() the routes answer 503 and the metrics are unregistered', async () => {
    const h = createMonitorHandler({ sets: [set] })
    const s = createServer(h)
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
      expect((await fetch(`${url}/readyz`)).status).toBe(200)
      h.close()
      expect((await fetch(`${url}/readyz`)).status).toBe(503)
      expect(h.registry.getMetricsAsArray()).toHaveLength(0)
    } finally {
      s.closeAllConnections()
      await new Promise((r) => s.close(r))
    }
  })
})
