import http from 'node:http'
import https from 'node:https'
import { type Endpoint, redactText } from '@steadfast/core'
import { HttpStatusError, InvalidResponseError, TransportError } from './transport-errors.js'

/** Options of one endpoint's keep-alive HTTP client. */
export interface HttpClientOptions {
  /** Largest response body accepted, in bytes; a larger one is a transport failure. @default 10_485_760 (10 MB) */
  maxResponseBytes?: number
  /** Most sockets kept open to one endpoint. @default 32 */
  maxSockets?: number
  /** Extra headers sent with every request (the endpoint's own headers win). @default {} */
  headers?: Readonly<Record<string, string>>
}

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
// Errors raised before the TCP connection exists: the server cannot have seen the request.
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
])

/**
 * One endpoint's JSON-RPC over HTTP client with its own keep-alive connection pool.
 * `post` resolves to the parsed JSON body of a 2xx answer and rejects with a
 * {@link TransportError} (whose `sent` says whether the request may have reached the server),
 * an {@link HttpStatusError} or an {@link InvalidResponseError}.
 */
export class HttpClient {
  readonly endpoint: Endpoint
  readonly #agent: http.Agent
  readonly #lib: typeof http | typeof https
  readonly #maxBytes: number
  readonly #headers: Record<string, string>

  constructor(endpoint: Endpoint, options: HttpClientOptions = {}) {
    this.endpoint = endpoint
    const secure = endpoint.url.startsWith('https:')
    this.#lib = secure ? https : http
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 32,
      scheduling: 'lifo' as const,
    }
    this.#agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions)
    this.#maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    this.#headers = { ...options.headers, ...endpoint.headers }
  }

  /** POSTs `body` (a JSON text) and resolves to the parsed JSON answer. */
  post(body: string, signal: AbortSignal): Promise<unknown> {
    const url = this.endpoint.redactedUrl
    return new Promise((resolve, reject) => {
      let connected = false
      let settled = false
      const fail = (error: Error) => {
        if (settled) return
        settled = true
        signal.removeEventListener('abort', onAbort)
        req.destroy()
        reject(error)
      }
      const onAbort = () =>
        fail(
          new TransportError('request aborted', {
            endpoint: url,
            sent: connected,
            cause: signal.reason,
          }),
        )
      let req: http.ClientRequest
      try {
        req = this.#lib.request(this.endpoint.url, {
          method: 'POST',
          agent: this.#agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': Buffer.byteLength(body),
            ...this.#headers,
          },
        })
      } catch (error) {
        reject(new TransportError('invalid request', { endpoint: url, sent: false, cause: error }))
        return
      }
      if (signal.aborted) {
        onAbort()
        return
      }
      signal.addEventListener('abort', onAbort, { once: true })
      req.on('socket', (socket) => {
        if (!socket.connecting) connected = true
        else socket.once('connect', () => (connected = true))
      })
      req.on('error', (error: NodeJS.ErrnoException) => {
        const sent = connected || !CONNECT_ERRORS.has(error.code ?? '')
        fail(new TransportError(error.code ?? error.message, { endpoint: url, sent, cause: error }))
      })
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > this.#maxBytes) {
            fail(
              new InvalidResponseError(`response larger than ${this.#maxBytes} bytes`, {
                endpoint: url,
              }),
            )
            return
          }
          chunks.push(chunk)
        })
        res.on('error', (error) =>
          fail(
            new TransportError('response interrupted', { endpoint: url, sent: true, cause: error }),
          ),
        )
        res.on('aborted', () =>
          fail(new TransportError('response interrupted', { endpoint: url, sent: true })),
        )
        res.on('end', () => {
          if (settled) return
          const text = Buffer.concat(chunks).toString('utf8')
          const status = res.statusCode ?? 0
          if (!res.complete) {
            fail(new TransportError('response interrupted', { endpoint: url, sent: true }))
          } else if (status < 200 || status >= 300) {
            fail(new HttpStatusError(status, this.#scrub(text), { endpoint: url }))
          } else {
            settled = true
            signal.removeEventListener('abort', onAbort)
            try {
              const type = String(res.headers['content-type'] ?? '')
              resolve(parseJson(text, type, url, (t) => this.#scrub(t)))
            } catch (error) {
              reject(error)
            }
          }
        })
      })
      req.end(body)
    })
  }

  /**
   * A body quoted in an error, without this endpoint's secrets: an upstream may echo the request
   * path (`/v3/<key>`), the userinfo or a header value back in its error page.
   */
  #scrub(text: string): string {
    let out = redactText(text.slice(0, 4096), [this.endpoint.url])
    for (const v of Object.values(this.#headers)) {
      for (const secret of [v, v.replace(/^(Basic|Bearer)\s+/i, '')])
        if (secret.length >= 8) out = out.split(secret).join('***')
    }
    return out
  }

  /** Closes every pooled socket. */
  close(): void {
    this.#agent.destroy()
  }
}

function parseJson(
  text: string,
  contentType: string,
  endpoint: string,
  scrub: (body: string) => string,
): unknown {
  if (/html/i.test(contentType) || /^\s*</.test(text)) {
    throw new InvalidResponseError('HTML instead of JSON', {
      endpoint,
      details: scrub(text).slice(0, 120),
    })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new InvalidResponseError('invalid JSON', {
      endpoint,
      details: scrub(text).slice(0, 120),
      cause: error,
    })
  }
}
