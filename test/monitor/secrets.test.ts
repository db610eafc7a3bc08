import { createEndpointSet, type EndpointSet } from '@steadfast/core'
import { type RunningMonitor, startMonitor } from '@steadfast/monitor'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type HttpReplicas,
  heightProbe,
  SECRETS,
  startHttpReplicas,
} from './support/http-replicas.js'
import { call, TOKEN, until } from './support/monitor-fixture.js'

let replicas: HttpReplicas
let plain: EndpointSet
let custom: EndpointSet
let monitor: RunningMonitor

beforeAll(async () => {
  replicas = await startHttpReplicas(['a', 'b'])
  const [a, b] = replicas.replicas
  plain = createEndpointSet({
    name: 'plain',
    endpoints: [a!.url, b!.url],
    probe: heightProbe,
    health: { intervalMs: 100, rise: 1, fall: 1, jitter: 0 },
    maxAttempts: 2,
  })
  // A careless configuration: the secret-bearing URL copied into a label.
  custom = createEndpointSet({
    name: 'custom',
    endpoints: [{ url: b!.url, id: 'node-b', labels: { origin: b!.url } }],
  })
  plain.start()
  await until('plain healthy', () => plain.status().every((s) => s.state === 'healthy'))
  monitor = await startMonitor({ sets: [plain, custom], port: 0, token: TOKEN })
})
afterAll(async () => {
  await monitor?.close()
  await Promise.all([plain?.close(), custom?.close()])
  await replicas?.close()
})

describe('secrets never leave the monitor', () => {
  it('behavior: no route output contains a planted basic-auth or apikey secret', async () => {
    const [a] = plain.endpoints
    // Failures whose messages quote the raw URL, and a fault seen by the probes.
    await plain
      .execute(
        (ep) => {
          throw new Error(`cannot reach ${ep.url} (apikey ${SECRETS[1]})`)
        },
        { maxAttempts: 1 },
      )
      .catch(() => {})
    await replicas.replicas[0]!.proxy.setMode({ kind: 'down' })
    await until('a is down', () => plain.status()[0]?.state !== 'healthy')
    await call(monitor, '/cordon', { body: { set: 'custom', endpoint: 'node-b', reason: 'drain' } })

    const outputs: Array<[string, string]> = []
    const record = async (label: string, p: Promise<{ text: string; headers: Headers }>) => {
      const r = await p
      outputs.push([label, r.text + JSON.stringify([...r.headers])])
    }
    for (const path of ['/healthz', '/readyz', '/status', '/metrics', '/nope']) {
      await record(`GET ${path}`, call(monitor, path))
    }
    const bodies = [
      { set: 'plain', endpoint: a!.id },
      { set: 'plain', endpoint: 'ghost' },
      { set: 'custom', endpoint: 'node-b' },
      { set: 'custom' },
      { set: 'nope' },
    ]
    for (const path of ['/rebalance', '/cordon', '/uncordon', '/prefer']) {
      for (const body of bodies)
        await record(`POST ${path} ${JSON.stringify(body)}`, call(monitor, path, { body }))
      await record(`POST ${path} 401`, call(monitor, path, { body: bodies[0], token: null }))
      await record(`GET ${path}`, call(monitor, path))
    }
    const alert = (labels: Record<string, string>) => ({
      version: '4',
      status: 'firing',
      alerts: [{ status: 'firing', labels }],
    })
    const hp = `127.0.0.1:${replicas.replicas[1]!.proxy.port}`
    for (const labels of [
      { instance: hp },
      { steadfast_set: 'custom', steadfast_endpoint: 'node-b' },
      {},
    ]) {
      await record(
        `alert ${JSON.stringify(labels)}`,
        call(monitor, '/alertmanager', { body: alert(labels) }),
      )
    }
    await record('GET /status again', call(monitor, '/status'))
    await record('GET /metrics again', call(monitor, '/metrics'))

    expect(outputs.length).toBeGreaterThan(30)
    const status = outputs.find(([l]) => l === 'GET /status again')![1]
    // The outputs do carry the things secrets hide in: URLs, errors, labels.
    expect(status).toContain(`127.0.0.1:${replicas.replicas[0]!.proxy.port}`)
    expect(status).toContain('lastError')
    expect(status).toContain('origin')
    for (const [label, text] of outputs) {
      for (const secret of SECRETS) expect(text, `${label} leaks ${secret}`).not.toContain(secret)
    }
    await replicas.replicas[0]!.proxy.setMode({ kind: 'pass' })
  })
})
