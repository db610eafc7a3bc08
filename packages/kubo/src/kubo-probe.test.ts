import { type AddressInfo, createServer, type Socket } from 'node:net'
import { createEndpointSet, type Endpoint, type EndpointInput } from '@steadfast/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { envHeaders, type KuboTarget, startKuboTarget } from './fixtures/kubo-target.js'
import { createFailoverKubo, kuboProbe } from './index.js'

/** Nodes that need an Authorization header (STEADFAST_IPFS_HEADERS) reject URL credentials. */
const authHeader = Object.keys(envHeaders()).some((name) => name.toLowerCase() === 'authorization')

function endpointOf(input: EndpointInput): Endpoint {
  return createEndpointSet({ endpoints: [input] }).endpoints[0] as Endpoint
}

function messages(error: unknown): string {
  const out: string[] = []
  for (let e = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause)
    out.push(String((e as Error).message ?? e), String((e as { details?: string }).details ?? ''))
  return out.join(' | ')
}

describe('kuboProbe and endpoint credentials (against one js-ipfs node)', () => {
  let set: KuboTarget
  beforeAll(async () => {
    set = await startKuboTarget({ nodes: 1 })
  })
  afterAll(async () => {
    await set?.close()
  })

  it('behavior: a live node passes the probe, a hung one fails it within the timeout', async () => {
    const probe = kuboProbe()
    const endpoint = endpointOf(set.endpoints[0]!)
    expect(await probe(endpoint, AbortSignal.timeout(2_000))).toMatchObject({ ok: true })
    await set.nodes[0]!.proxy.setMode({ kind: 'hang' })
    try {
      expect(await probe(endpoint, AbortSignal.timeout(300))).toMatchObject({ ok: false })
    } finally {
      await set.nodes[0]!.proxy.setMode({ kind: 'pass' })
    }
  })

  it('behavior: too few swarm peers or a repo above the ceiling marks the node degraded', async () => {
    const endpoint = endpointOf(set.endpoints[0]!)
    const signal = () => AbortSignal.timeout(5_000)
    // More peers than any node has (js-ipfs here is offline, a real Kubo node is connected).
    const peers = await kuboProbe({ minPeers: 1_000_000 })(endpoint, signal())
    expect(peers).toMatchObject({ ok: true, degraded: true })
    const repo = await kuboProbe({ maxRepoSizeBytes: 1 })(endpoint, signal())
    expect(repo).toMatchObject({ ok: true, degraded: true })
    expect(repo.details).toMatch(/repo size/)
    expect(await kuboProbe({ maxRepoSizeBytes: 1e12 })(endpoint, signal())).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
    })
  })

  // Skipped on real nodes behind an Authorization header: that header wins over URL credentials.
  it.skipIf(authHeader)(
    'args: credentials in the URL travel as Basic auth and never appear in errors',
    async () => {
      const proxy = set.nodes[0]!.proxy
      const url = `http://alice:s3cr3t-pw@127.0.0.1:${proxy.port}`
      const kubo = createFailoverKubo({
        endpoints: [{ url, headers: set.headers }],
        probe: false,
        attemptTimeoutMs: 2_000,
      })
      try {
        expect((await kubo.version()).version).toBeTypeOf('string')
        let authorization: string | undefined
        await proxy.setMode({
          kind: 'http',
          status: 502,
          body: (request) => {
            authorization = request.headers.authorization
            return 'bad gateway'
          },
        })
        const error = await kubo.version().catch((e: unknown) => e)
        expect(authorization).toBe(`Basic ${Buffer.from('alice:s3cr3t-pw').toString('base64')}`)
        expect(messages(error)).not.toMatch(/s3cr3t/)
        const probed = await kuboProbe()(
          endpointOf({ url, headers: set.headers }),
          AbortSignal.timeout(2_000),
        )
        expect(probed.ok).toBe(false)
        expect(probed.details).not.toMatch(/s3cr3t/)
      } finally {
        await proxy.setMode({ kind: 'pass' })
        await kubo.failover.close()
      }
    },
  )
})

describe('kuboProbe and dead pooled connections (bug 12)', () => {
  /**
   * Answers `version` once per connection, keeping it alive; the next request on that same
   * connection closes it unanswered, as a node (or a proxy) that closed the idle socket just as
   * the client reused it. With `resetAll`, every request is closed unanswered.
   */
  async function staleServer() {
    const state = { resetAll: false, connections: 0, closedOnReuse: 0 }
    const sockets = new Set<Socket>()
    const server = createServer((socket) => {
      state.connections++
      sockets.add(socket)
      let served = 0
      socket.on('error', () => undefined)
      socket.on('data', (chunk) => {
        if (!chunk.includes('\r\n\r\n')) return
        if (state.resetAll || served++ > 0) {
          if (served > 1) state.closedOnReuse++
          socket.destroy()
          return
        }
        const body = '{"Version":"0.0.0-test"}'
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
        )
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const close = () => {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(resolve))
    }
    return { state, endpoint: endpointOf(`http://127.0.0.1:${port}`), close }
  }

  it('behavior: a probe whose pooled keep-alive socket was closed under it resends on a new connection', async () => {
    const node = await staleServer()
    try {
      const probe = kuboProbe()
      // fetch's process-wide pool reuses a socket the node answered once, which it then closes.
      for (let i = 0; i < 4; i++)
        expect(await probe(node.endpoint, AbortSignal.timeout(5_000))).toMatchObject({ ok: true })
      expect(node.state.closedOnReuse).toBeGreaterThan(0)
    } finally {
      await node.close()
    }
  })

  it('error: a node closing every connection unanswered still fails the probe', async () => {
    const node = await staleServer()
    node.state.resetAll = true
    try {
      expect(await kuboProbe()(node.endpoint, AbortSignal.timeout(5_000))).toMatchObject({
        ok: false,
      })
    } finally {
      await node.close()
    }
  })
})
