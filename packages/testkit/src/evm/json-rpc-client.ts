import { Agent, request } from 'node:http'
import { TestkitError } from '../process/testkit-error.js'

export interface JsonRpcCallOptions {
  /** Per-call timeout in milliseconds. @default 5_000 */
  timeoutMs?: number
  signal?: AbortSignal
}

/** Minimal JSON-RPC over HTTP/1.1 (ganache hangs on HTTP/1.0) for the kit's own checks. */
export interface JsonRpcClient {
  call<T = unknown>(
    url: string,
    method: string,
    params?: unknown[],
    opts?: JsonRpcCallOptions,
  ): Promise<T>
  /** Destroys the pooled keep-alive sockets. */
  close(): void
}

let nextId = 1

export function createJsonRpcClient(): JsonRpcClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  return {
    call<T>(url: string, method: string, params: unknown[] = [], opts: JsonRpcCallOptions = {}) {
      const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params })
      const signals = [AbortSignal.timeout(opts.timeoutMs ?? 5_000)]
      if (opts.signal) signals.push(opts.signal)
      return new Promise<T>((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json' },
            signal: AbortSignal.any(signals),
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('error', reject)
            res.on('end', () => {
              try {
                const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                  result?: T
                  error?: { code: number; message: string }
                }
                if (json.error !== undefined)
                  reject(
                    new TestkitError(
                      'RPC_ERROR',
                      `${method} failed: ${json.error.message} (${json.error.code})`,
                    ),
                  )
                else resolve(json.result as T)
              } catch (err) {
                reject(
                  new TestkitError('RPC_ERROR', `${method}: bad answer (HTTP ${res.statusCode})`, {
                    cause: err,
                  }),
                )
              }
            })
          },
        )
        req.on('error', reject)
        req.end(body)
      })
    },
    close: () => agent.destroy(),
  }
}
