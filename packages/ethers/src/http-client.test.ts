import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Endpoint } from '@steadfast/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpClient } from './http-client.js'
import { HttpStatusError, InvalidResponseError, TransportError } from './transport-errors.js'

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void
let handler: Handler = (_req, res) => res.end('{}')
let server: http.Server
let url: string

function endpoint(u: string): Endpoint {
  return {
    id: 'e',
    url: u,
    redactedUrl: u,
    priority: 0,
    weight: 1,
    index: 0,
    labels: {},
    headers: { 'x-key': 'k' },
    timeoutMs: undefined,
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => handler(req, res))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

describe('HttpClient', () => {
  it('behavior: posts JSON with the endpoint headers and reuses one keep-alive socket', async () => {
    const ports = new Set<number>()
    handler = (req, res) => {
      ports.add(req.socket.remotePort ?? 0)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: req.headers['x-key'] }))
    }
    const client = new HttpClient(endpoint(url))
    for (let i = 0; i < 3; i++) {
      expect(await client.post('{}', AbortSignal.timeout(5000))).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: 'k',
      })
    }
    expect(ports.size).toBe(1)
    client.close()
  })

  it.each([
    ['an HTML page', 'text/html', '<html>bad gateway</html>'],
    ['invalid JSON', 'application/json', '{"jsonrpc":'],
  ])('error: %s is an InvalidResponseError', async (_name, type, body) => {
    handler = (_req, res) => {
      res.setHeader('content-type', type)
      res.end(body)
    }
    const client = new HttpClient(endpoint(url))
    await expect(client.post('{}', AbortSignal.timeout(5000))).rejects.toBeInstanceOf(
      InvalidResponseError,
    )
    client.close()
  })

  it('error: a body over maxResponseBytes is an InvalidResponseError', async () => {
    handler = (_req, res) => res.end(JSON.stringify({ id: 1, result: 'x'.repeat(5000) }))
    const client = new HttpClient(endpoint(url), { maxResponseBytes: 1000 })
    await expect(client.post('{}', AbortSignal.timeout(5000))).rejects.toThrow(
      /larger than 1000 bytes/,
    )
    client.close()
  })

  it.each([500, 404, 429])('error: HTTP %i is an HttpStatusError', async (status) => {
    handler = (_req, res) => {
      res.statusCode = status
      res.end('nope')
    }
    const client = new HttpClient(endpoint(url))
    const error = await client.post('{}', AbortSignal.timeout(5000)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpStatusError)
    expect((error as HttpStatusError).status).toBe(status)
    client.close()
  })

  it('error: a refused connection is a TransportError that was never sent', async () => {
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const client = new HttpClient(endpoint(`http://127.0.0.1:${port}/`))
    const error = await client.post('{}', AbortSignal.timeout(5000)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).sent).toBe(false)
    client.close()
  })

  it('error: an aborted request to a hung server is a TransportError that may have been sent', async () => {
    handler = () => {}
    const client = new HttpClient(endpoint(url))
    const ac = new AbortController()
    const pending = client.post('{}', ac.signal).catch((e: unknown) => e)
    setTimeout(() => ac.abort(), 100)
    const error = await pending
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).sent).toBe(true)
    client.close()
  })
})
