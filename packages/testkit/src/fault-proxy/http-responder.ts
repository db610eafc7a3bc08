import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FaultMode, HttpFaultRequest } from './fault-mode.js'

type HttpMode = Extract<FaultMode, { kind: 'http' }>

interface Parsed {
  request: HttpFaultRequest
  consumed: number
  keepAlive: boolean
}

const CRLF = Buffer.from('\r\n')
const HEAD_END = Buffer.from('\r\n\r\n')
/** Heads or bodies larger than this are not a test client's; answer 431 and close. */
const MAX_BUFFER = 16 * 1024 * 1024

/**
 * Answers every HTTP/1.1 request arriving on `socket` with the mode's status and body, one by
 * one, on the same keep-alive connection (pipelined requests too). It parses just enough:
 * the head, then a `content-length` or `chunked` body.
 */
export function answerHttp(socket: Socket, mode: HttpMode, onWrite: (bytes: number) => void) {
  let buffered: Buffer = Buffer.alloc(0)
  // The client half-closed: every complete request is answered already, so close our side.
  socket.on('end', () => socket.end())
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    for (;;) {
      let parsed: Parsed | undefined
      try {
        parsed = parseRequest(buffered)
      } catch {
        parsed = undefined
        buffered = Buffer.alloc(0)
        write(socket, respond({ kind: 'http', status: 400 }, undefined, false), onWrite)
        socket.end()
        return
      }
      if (parsed === undefined) {
        if (buffered.length > MAX_BUFFER) {
          write(socket, respond({ kind: 'http', status: 431 }, undefined, false), onWrite)
          socket.end()
        }
        return
      }
      buffered = buffered.subarray(parsed.consumed)
      write(socket, respond(mode, parsed.request, parsed.keepAlive), onWrite)
      if (!parsed.keepAlive) {
        socket.end()
        return
      }
    }
  })
}

function write(socket: Socket, data: Buffer, onWrite: (bytes: number) => void) {
  if (socket.destroyed || !socket.writable) return
  onWrite(data.length)
  socket.write(data)
}

function respond(mode: HttpMode, request: HttpFaultRequest | undefined, keepAlive: boolean) {
  const body =
    typeof mode.body === 'function'
      ? request === undefined
        ? ''
        : mode.body(request)
      : (mode.body ?? '')
  const payload = Buffer.from(body)
  const headers: Record<string, string> = {
    'content-type': /^\s*[[{]/.test(body) ? 'application/json' : 'text/plain; charset=utf-8',
    connection: keepAlive ? 'keep-alive' : 'close',
  }
  for (const [k, v] of Object.entries(mode.headers ?? {})) headers[k.toLowerCase()] = v
  headers['content-length'] = String(payload.length)
  const head = [`HTTP/1.1 ${mode.status} ${STATUS_CODES[mode.status] ?? 'Unknown'}`]
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`)
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), payload])
}

/** One complete request from the front of `buf`, or undefined when more bytes are needed. */
export function parseRequest(buf: Buffer): Parsed | undefined {
  const headEnd = buf.indexOf(HEAD_END)
  if (headEnd < 0) return undefined
  const lines = buf.subarray(0, headEnd).toString('latin1').split('\r\n')
  const [method, path, version] = (lines[0] ?? '').split(' ')
  if (!method || !path || !version?.startsWith('HTTP/')) throw new Error('bad request line')
  const headers: Record<string, string> = {}
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error('bad header line')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const connection = (headers.connection ?? '').toLowerCase()
  const keepAlive = version === 'HTTP/1.0' ? connection === 'keep-alive' : connection !== 'close'
  const bodyStart = headEnd + HEAD_END.length
  let body: Buffer
  let consumed: number
  if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    const chunked = parseChunked(buf, bodyStart)
    if (chunked === undefined) return undefined
    ;({ body, consumed } = chunked)
  } else {
    const length = Number(headers['content-length'] ?? '0')
    if (!Number.isInteger(length) || length < 0) throw new Error('bad content-length')
    if (buf.length < bodyStart + length) return undefined
    body = buf.subarray(bodyStart, bodyStart + length)
    consumed = bodyStart + length
  }
  return { request: { method, path, headers, body: body.toString('utf8') }, consumed, keepAlive }
}

function parseChunked(buf: Buffer, start: number) {
  const parts: Buffer[] = []
  let at = start
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, at)
    if (lineEnd < 0) return undefined
    const size = Number.parseInt(buf.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16)
    if (!Number.isInteger(size) || size < 0) throw new Error('bad chunk size')
    at = lineEnd + CRLF.length
    if (size === 0) {
      // Trailers (usually none) end with an empty line.
      const trailersEnd = buf.indexOf(CRLF, at)
      if (trailersEnd < 0) return undefined
      if (trailersEnd === at) return { body: Buffer.concat(parts), consumed: at + CRLF.length }
      const end = buf.indexOf(HEAD_END, at)
      if (end < 0) return undefined
      return { body: Buffer.concat(parts), consumed: end + HEAD_END.length }
    }
    if (buf.length < at + size + CRLF.length) return undefined
    parts.push(buf.subarray(at, at + size))
    at += size + CRLF.length
  }
}
