import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A local HTTP server on 127.0.0.1:0 whose every socket dies with `close()`. */
export interface LocalServer {
  readonly port: number
  /** Requests received so far. */
  readonly requests: number
  close(): Promise<void>
}

/** Starts `handler` on a free loopback port. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<LocalServer> {
  const sockets = new Set<Socket>()
  let requests = 0
  const server: Server = createServer((req, res) => {
    requests++
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => handler(req, res, Buffer.concat(chunks)))
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return requests
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * A careless upstream: answers 500 and quotes the request line and headers back (as Infura-like
 * gateways do in "invalid project id …" messages), so a client that passes bodies into its
 * errors leaks the caller's credentials.
 */
export function startEchoServer(status = 500): Promise<LocalServer> {
  return startServer((req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' })
    res.end(`cannot serve ${req.method} ${req.url} (authorization: ${req.headers.authorization})`)
  })
}

/** Answers `status` with a fixed body that quotes nothing of the request. */
export function startStatusServer(status = 500): Promise<LocalServer> {
  return startServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' })
    res.end('internal error')
  })
}

/** Accepts and never answers (until closed). */
export function startHangServer(): Promise<LocalServer> {
  return startServer(() => {})
}

/** A port nothing listens on (ECONNREFUSED): a server started, then closed. */
export async function refusedPort(): Promise<number> {
  const s = await startServer(() => {})
  await s.close()
  return s.port
}
