import { Agent, createServer as createHttpServer, request, type Server } from 'node:http'
import { type AddressInfo, connect, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { jsonRpcErrorBody } from './fault-mode.js'
import { type FaultProxy, startFaultProxy } from './start-fault-proxy.js'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(url: string, opts: { agent?: Agent; body?: string; method?: string } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      url,
      { method: opts.method ?? (opts.body ? 'POST' : 'GET'), agent: opts.agent ?? false },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          body += c
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** Connects, writes `data`, and resolves with what came back, or the error code. */
function raw(port: number, data: string, waitMs = 0, halfClose = false) {
  return new Promise<{ received: Buffer; error?: string; ended: boolean }>((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () =>
      halfClose ? socket.end(data) : socket.write(data),
    )
    const done = (error?: string, ended = false) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({
        received: Buffer.concat(chunks),
        ended,
        ...(error === undefined ? {} : { error }),
      })
    }
    const timer = waitMs > 0 ? setTimeout(() => done('TIMEOUT'), waitMs) : undefined
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message))
    socket.on('end', () => done(undefined, true))
  })
}

let upstream: Server
let blob: ReturnType<typeof createServer>
let upstreamPort: number
let blobPort: number
const BLOB = Buffer.alloc(100_000, 7)
const proxies: FaultProxy[] = []

async function proxyTo(port: number) {
  const p = await startFaultProxy({ target: { port } })
  proxies.push(p)
  return p
}

beforeAll(async () => {
  upstream = createHttpServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => res.end(`upstream:${req.method}:${req.url}:${body}`))
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  upstreamPort = (upstream.address() as AddressInfo).port
  // Answers any connection with a 100 kB blob, then ends.
  blob = createServer((s) => {
    s.on('error', () => undefined)
    s.once('data', () => s.end(BLOB))
  })
  await new Promise<void>((r) => blob.listen(0, '127.0.0.1', r))
  blobPort = (blob.address() as AddressInfo).port
})

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()))
})

afterAll(async () => {
  upstream.closeAllConnections()
  await new Promise((r) => upstream.close(r))
  await new Promise((r) => blob.close(r))
})

describe('startFaultProxy', () => {
  it('behavior: pass forwards requests and counts connections and bytes', async () => {
    const p = await proxyTo(upstreamPort)
    const r = await get(p.url('http', '/a'), { body: 'hello' })
    expect(r).toMatchObject({ status: 200, body: 'upstream:POST:/a:hello' })
    await get(p.url('http', '/b'))
    const s = p.stats()
    expect(s.connections).toBe(2)
    expect(s.bytesIn).toBeGreaterThan('hello'.length * 2)
    expect(s.bytesOut).toBeGreaterThan(r.body.length)
    expect(p.url()).toBe(`http://127.0.0.1:${p.port}`)
  })

  it('behavior: pass answers a client that half-closes after its request', async () => {
    const p = await proxyTo(blobPort)
    const r = await raw(p.port, 'go', 20_000, true)
    expect(r.error).toBeUndefined()
    expect(r.received.equals(BLOB)).toBe(true)
  })

  it('behavior: down refuses connections on the same port and pass reopens it', async () => {
    const p = await proxyTo(upstreamPort)
    const port = p.port
    await p.setMode({ kind: 'down' })
    expect((await raw(port, 'x')).error).toBe('ECONNREFUSED')
    await p.setMode({ kind: 'pass' })
    expect(p.port).toBe(port)
    expect((await get(p.url())).status).toBe(200)
  })

  it('behavior: reset answers the request with ECONNRESET', async () => {
    const p = await proxyTo(upstreamPort)
    await p.setMode({ kind: 'reset' })
    await expect(get(p.url())).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(p.stats().bytesIn).toBeGreaterThan(0)
  })

  it('behavior: hang reads the request and never answers nor closes', async () => {
    const p = await proxyTo(upstreamPort)
    await p.setMode({ kind: 'hang' })
    const r = await raw(p.port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', 500)
    expect(r.error).toBe('TIMEOUT')
    expect(r.received.length).toBe(0)
    expect(p.stats().bytesIn).toBeGreaterThan(0)
  })

  it('behavior: slow delays each response chunk and caps the bandwidth', async () => {
    const p = await proxyTo(blobPort)
    await p.setMode({ kind: 'slow', delayMs: 150 })
    let started = Date.now()
    const delayed = await raw(p.port, 'go')
    expect(delayed.received.equals(BLOB)).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140) // lower bound: the delay itself
    await p.setMode({ kind: 'slow', delayMs: 0, bytesPerSecond: 200_000 })
    started = Date.now()
    const capped = await raw(p.port, 'go')
    expect(capped.received.equals(BLOB)).toBe(true)
    // 100 kB at 200 kB/s cannot arrive in less than ~500 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450)
  })

  it('behavior: cut delivers exactly N response bytes then ends the connection', async () => {
    const p = await proxyTo(blobPort)
    await p.setMode({ kind: 'cut', afterBytes: 12_345 })
    const r = await raw(p.port, 'go', 20_000)
    expect(r.error).toBeUndefined()
    expect(r.ended).toBe(true)
    expect(r.received.length).toBe(12_345)
    expect(p.stats().bytesOut).toBe(12_345)
  })

  it('behavior: http answers status, body and headers without contacting the target', async () => {
    const p = await proxyTo(upstreamPort)
    await p.setMode({
      kind: 'http',
      status: 429,
      body: 'slow down',
      headers: { 'Retry-After': '2' },
    })
    const r = await get(p.url())
    expect(r).toMatchObject({ status: 429, body: 'slow down' })
    expect(r.headers['retry-after']).toBe('2')
    await p.setMode({ kind: 'http', status: 502 })
    expect(await get(p.url())).toMatchObject({ status: 502, body: '' })
  })

  it('behavior: http answers each request of a keep-alive connection, echoing JSON-RPC ids', async () => {
    const p = await proxyTo(upstreamPort)
    await p.setMode({ kind: 'http', status: 200, body: jsonRpcErrorBody(-32000, 'boom') })
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const one = await get(p.url(), { agent, body: '{"jsonrpc":"2.0","id":41,"method":"x"}' })
      const two = await get(p.url(), { agent, body: '[{"id":"a"},{"id":"b"}]' })
      expect(JSON.parse(one.body)).toEqual({
        jsonrpc: '2.0',
        id: 41,
        error: { code: -32000, message: 'boom' },
      })
      expect(JSON.parse(two.body).map((e: { id: string }) => e.id)).toEqual(['a', 'b'])
      expect(p.stats().connections).toBe(1)
    } finally {
      agent.destroy()
    }
  })

  it('behavior: http reads chunked request bodies', async () => {
    const p = await proxyTo(upstreamPort)
    await p.setMode({ kind: 'http', status: 200, body: (req) => `got ${req.body}` })
    const chunked =
      'POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'
    const r = await raw(p.port, chunked, 20_000)
    expect(r.received.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\ngot abcde$/)
  })

  it('behavior: a mode change resets open keep-alive sockets unless told not to', async () => {
    const p = await proxyTo(upstreamPort)
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      expect((await get(p.url(), { agent })).status).toBe(200)
      await p.setMode({ kind: 'http', status: 503 }, { resetOpen: false })
      // The pooled socket still passes through: the change only hit new connections.
      expect((await get(p.url(), { agent })).status).toBe(200)
      await p.setMode({ kind: 'http', status: 503 })
      // The client learns of the reset asynchronously (FIN), as a real pool does.
      while (Object.keys(agent.freeSockets).length > 0) await sleep(5)
      expect((await get(p.url(), { agent })).status).toBe(503)
      expect(p.stats().connections).toBe(2)
    } finally {
      agent.destroy()
    }
  })

  it('behavior: a refused target resets the client connection', async () => {
    const dead = createServer()
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
    const port = (dead.address() as AddressInfo).port
    await new Promise((r) => dead.close(r))
    const p = await proxyTo(port)
    await expect(get(p.url())).rejects.toMatchObject({ code: 'ECONNRESET' })
  })

  it('behavior: close frees the port and counts no active connection', async () => {
    const p = await proxyTo(upstreamPort)
    const hung = raw(p.port, 'x', 10_000)
    await p.setMode({ kind: 'hang' }, { resetOpen: false })
    await p.close()
    expect((await hung).error).not.toBe('TIMEOUT')
    expect(p.stats().active).toBe(0)
    expect((await raw(p.port, 'x')).error).toBe('ECONNREFUSED')
  })

  it('behavior: onBeforeModeChange is awaited before the new mode applies', async () => {
    const seen: string[] = []
    const p = await startFaultProxy({
      target: { port: upstreamPort },
      onBeforeModeChange: async (next) => {
        await sleep(20)
        seen.push(`${p.mode.kind}->${next.kind}`)
      },
    })
    proxies.push(p)
    await p.setMode({ kind: 'hang' })
    expect(seen).toEqual(['pass->hang'])
    expect(p.mode.kind).toBe('hang')
  })

  it('error: reopening fails with PORT_IN_USE when another server took the port meanwhile', async () => {
    const p = await proxyTo(upstreamPort)
    await p.setMode({ kind: 'down' })
    const squatter = createServer()
    await new Promise<void>((r) => squatter.listen(p.port, '127.0.0.1', r))
    try {
      await expect(p.setMode({ kind: 'pass' })).rejects.toMatchObject({ code: 'PORT_IN_USE' })
      expect(p.mode.kind).toBe('down')
    } finally {
      await new Promise((r) => squatter.close(r))
    }
    await p.setMode({ kind: 'pass' }) // free again: it reopens
    expect((await get(p.url())).status).toBe(200)
  })

  it('error: rejects invalid modes', async () => {
    const p = await proxyTo(upstreamPort)
    await expect(p.setMode({ kind: 'cut', afterBytes: -1 })).rejects.toMatchObject({
      code: 'INVALID_FAULT_MODE',
    })
    await expect(p.setMode({ kind: 'http', status: 1000 })).rejects.toThrow(/status/)
  })
})
