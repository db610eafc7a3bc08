import { setTimeout as sleep } from 'node:timers/promises'
import { createEndpointSet, type EndpointSet } from '@steadfast/core'
import { type RunningMonitor, type StartMonitorOptions, startMonitor } from '@steadfast/monitor'
import { type HttpReplicas, heightProbe, startHttpReplicas } from './http-replicas.js'

export const TOKEN = 'test-token-0123456789-abcdef'

export interface MonitorFixture {
  replicas: HttpReplicas
  /** Set `main`: replicas a, b, c in priority order, probed every 100 ms. */
  main: EndpointSet
  /** Set `aux`: replica c alone, never probed. */
  aux: EndpointSet
  monitor: RunningMonitor
  /** Endpoint ids of a, b, c in `main`. */
  ids: [string, string, string]
  close(): Promise<void>
}

/** Polls `check` every 20 ms until it holds; throws after `timeoutMs` with `what`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await sleep(20)
  }
}

/** Three real local HTTP replicas behind fault proxies, two core sets over them, a live monitor. */
export async function startMonitorFixture(
  extra: Partial<StartMonitorOptions> = {},
): Promise<MonitorFixture> {
  const replicas = await startHttpReplicas(['a', 'b', 'c'])
  const [a, b, c] = replicas.replicas
  const main = createEndpointSet({
    name: 'main',
    endpoints: [a!.url, b!.url, c!.url],
    probe: heightProbe,
    health: { intervalMs: 100, timeoutMs: 1_000, rise: 1, fall: 1, jitter: 0 },
    outlier: { consecutiveFailures: 1, baseEjectionMs: 60_000 },
    failbackAfterMs: 0,
    attemptTimeoutMs: 2_000,
    maxAttempts: 3,
  })
  const aux = createEndpointSet({ name: 'aux', endpoints: [c!.url] })
  main.start()
  await until('main healthy', () => main.status().every((s) => s.state === 'healthy'))
  const monitor = await startMonitor({ sets: [main, aux], port: 0, token: TOKEN, ...extra })
  const ids = main.endpoints.map((e) => e.id) as [string, string, string]
  return {
    replicas,
    main,
    aux,
    monitor,
    ids,
    async close() {
      await monitor.close()
      await Promise.all([main.close(), aux.close()])
      await replicas.close()
    },
  }
}

/** `fetch` against the monitor, resolving to status, text and parsed JSON (when it is JSON). */
export async function call(
  monitor: RunningMonitor,
  path: string,
  init: {
    method?: string
    body?: unknown
    raw?: string
    token?: string | null
    headers?: Record<string, string>
  } = {},
) {
  const headers: Record<string, string> = { ...init.headers }
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`
  let body: string | undefined = init.raw
  if (init.body !== undefined) {
    body = JSON.stringify(init.body)
    headers['content-type'] ??= 'application/json'
  }
  const res = await fetch(`${monitor.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON by path
  return { status: res.status, headers: res.headers, text, json: json as Record<string, any> }
}
