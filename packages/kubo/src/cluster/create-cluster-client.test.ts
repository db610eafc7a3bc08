import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type FaultProxy, startFaultProxy } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClusterPin } from './cluster-types.js'
import {
  ClusterApiError,
  type ClusterClient,
  createClusterClient,
} from './create-cluster-client.js'

/**
 * No IPFS Cluster runs here: these peers implement the documented REST contract
 * (POST/GET/DELETE /pins/{cid}, GET /id) over one shared pin state, like peers of one cluster.
 */
function clusterPeer(name: string, pins: Map<string, ClusterPin>, seen: string[]): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    seen.push(`${name} ${req.method} ${url.pathname}${url.search}`)
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname === '/id') return send(200, { id: name, peername: name })
    const cid = /^\/pins\/([^/]+)$/.exec(url.pathname)?.[1]
    if (cid === undefined) return send(404, { code: 404, message: 'not found' })
    if (req.method === 'POST') {
      const pin: ClusterPin = {
        cid,
        name: url.searchParams.get('name') ?? '',
        replication_factor_min: Number(url.searchParams.get('replication-min') ?? -1),
        replication_factor_max: Number(url.searchParams.get('replication-max') ?? -1),
      }
      pins.set(cid, pin)
      return send(200, pin)
    }
    const pin = pins.get(cid)
    if (pin === undefined)
      return send(404, { code: 404, message: 'cid is not part of the global state' })
    if (req.method === 'DELETE') {
      pins.delete(cid)
      return send(200, pin)
    }
    return send(200, {
      cid,
      name: pin.name,
      peer_map: { [`peer-${name}`]: { peername: name, status: 'pinned' } },
    })
  })
}

describe('createClusterClient (against a local server implementing the Cluster REST contract)', () => {
  const pins = new Map<string, ClusterPin>()
  const seen: string[] = []
  const servers: Server[] = []
  let proxy: FaultProxy
  let client: ClusterClient
  const cid = 'bafkreidummycidforclustertests'

  beforeAll(async () => {
    for (const name of ['a', 'b']) {
      const server = clusterPeer(name, pins, seen)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      servers.push(server)
    }
    proxy = await startFaultProxy({ target: { port: (servers[0]!.address() as AddressInfo).port } })
    client = createClusterClient({
      endpoints: [proxy.url(), `http://127.0.0.1:${(servers[1]!.address() as AddressInfo).port}`],
      probe: false,
      attemptTimeoutMs: 1_000,
      outlier: { baseEjectionMs: 100, maxEjectionMs: 200 },
      failbackAfterMs: 1,
    })
  })

  afterAll(async () => {
    await client?.close()
    await proxy?.close()
    for (const s of servers) await new Promise((resolve) => s.close(resolve))
  })

  it('behavior: pins with a replication factor through the first peer', async () => {
    const pin = await client.pin(cid, { replicationMin: 2, replicationMax: 3, name: 'doc' })
    expect(pin).toMatchObject({ cid, replication_factor_min: 2, replication_factor_max: 3 })
    expect(seen.at(-1)).toBe(`a POST /pins/${cid}?replication-min=2&replication-max=3&name=doc`)
  })

  it('behavior: a pin moves to the next cluster peer when the first hangs or answers 503', async () => {
    for (const mode of [{ kind: 'hang' }, { kind: 'http', status: 503 }] as const) {
      await proxy.setMode(mode)
      seen.length = 0
      await client.pin(`${cid}x`, { replicationMin: 1 })
      expect(seen.at(-1)).toMatch(/^b POST/)
    }
    await proxy.setMode({ kind: 'pass' })
  })

  it('behavior: status and unpin fail over when the first peer is down', async () => {
    await proxy.setMode({ kind: 'down' })
    const status = await client.status(cid)
    expect(status.peer_map['peer-b']?.status).toBe('pinned')
    await client.unpin(cid)
    expect(pins.has(cid)).toBe(false)
    await proxy.setMode({ kind: 'pass' })
  })

  it('error: an application answer (404) is final and typed', async () => {
    const error = await client.status('bafynotpinned').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClusterApiError)
    expect((error as ClusterApiError).status).toBe(404)
    expect((error as ClusterApiError).code).toBe('CLUSTER_API_ERROR')
  })
})
