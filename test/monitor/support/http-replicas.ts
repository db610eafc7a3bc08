import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Endpoint } from '@steadfast/core'
import { type FaultProxy, startFaultProxy } from '@steadfast/testkit'

/** Secrets planted in every endpoint URL; no monitor output may ever contain them. */
export const SECRETS = ['hunter2-basic-pass', 'APIKEY0123456789abcdef', 'alice-user'] as const

/** A tiny HTTP replica: `GET /height` answers its height, anything else `{ served: name }`. */
export interface HttpReplica {
  name: string
  proxy: FaultProxy
  /** Endpoint URL through the fault proxy, with basic-auth and ?apikey= secrets planted. */
  url: string
  height: number
}

export interface HttpReplicas {
  replicas: HttpReplica[]
  close(): Promise<void>
}

/** Starts `n` replicas on loopback, each behind its own testkit fault proxy. */
export async function startHttpReplicas(names: readonly string[]): Promise<HttpReplicas> {
  const servers: Server[] = []
  const replicas: HttpReplica[] = []
  for (const name of names) {
    const replica = { name, height: 100 } as HttpReplica
    const server = createServer((req, res) => {
      req.resume()
      const body = req.url?.startsWith('/height') ? { height: replica.height } : { served: name }
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(body))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    servers.push(server)
    replica.proxy = await startFaultProxy({
      target: { port: (server.address() as AddressInfo).port },
    })
    const { port } = replica.proxy
    replica.url = `http://${SECRETS[2]}:${SECRETS[0]}@127.0.0.1:${port}/rpc?apikey=${SECRETS[1]}`
    replicas.push(replica)
  }
  return {
    replicas,
    async close() {
      await Promise.all(replicas.map((r) => r.proxy.close()))
      for (const s of servers) s.closeAllConnections()
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
    },
  }
}

/** Fetch options for an endpoint: credentials move from the URL to an Authorization header. */
function target(
  endpoint: Endpoint,
  path: string,
): { url: string; headers: Record<string, string> } {
  const u = new URL(endpoint.url)
  const auth = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`)
  u.username = ''
  u.password = ''
  u.pathname = path
  return { url: u.href, headers: { authorization: `Basic ${auth.toString('base64')}` } }
}

/** The probe the test sets use: `GET /height`. */
export async function heightProbe(endpoint: Endpoint, signal: AbortSignal) {
  const started = performance.now()
  const t = target(endpoint, '/height')
  const res = await fetch(t.url, { headers: t.headers, signal })
  if (!res.ok) return { ok: false, details: `HTTP ${res.status}` }
  const { height } = (await res.json()) as { height: number }
  return { ok: true, height, latencyMs: performance.now() - started }
}

/** One request through the set's chosen endpoint: which replica served it. */
export async function callReplica(endpoint: Endpoint, signal: AbortSignal): Promise<string> {
  const t = target(endpoint, '/rpc')
  const res = await fetch(t.url, { method: 'POST', headers: t.headers, signal, body: '{}' })
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${endpoint.redactedUrl}`)
  return ((await res.json()) as { served: string }).served
}
