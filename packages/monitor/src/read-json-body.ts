import type { IncomingMessage } from 'node:http'
import { HttpError } from './http-error.js'

/** Bytes of an oversized body still drained (so the client reads our 413) before we hang up. */
const DRAIN_LIMIT_FACTOR = 16

/**
 * Reads and parses a JSON request body of at most `limit` bytes.
 * - a body already parsed by a framework (Express' `express.json()` sets `req.body`) is used as is;
 * - a declared non-JSON `Content-Type` gets 415; an oversized body 413; bad JSON or an empty body 400.
 * The stream is never left half-read: an oversized body is drained up to a bound, then the
 * connection is closed.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const preParsed = (req as IncomingMessage & { body?: unknown }).body
  if (preParsed !== undefined && req.readableEnded) return preParsed
  const type = req.headers['content-type']
  if (type !== undefined && !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) {
    discard(req, limit)
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'body must be application/json')
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    discard(req, limit)
    throw tooLarge(limit)
  }
  const text = await collect(req, limit)
  if (text.trim() === '')
    throw new HttpError(400, 'INVALID_BODY', 'body: a JSON object is required')
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unparsable'
    throw new HttpError(400, 'INVALID_JSON', `body: malformed JSON (${detail})`)
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `body: larger than the limit of ${limit} bytes`)
}

function collect(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onError)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        discard(req, limit)
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const onError = (): void => {
      cleanup()
      reject(new HttpError(400, 'INVALID_BODY', 'body: request aborted while reading'))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onError)
  })
}

/** Reads and drops what is left of a refused body, up to a bound, then lets the socket close. */
export function discard(req: IncomingMessage, limit: number): void {
  if (req.readableEnded) return
  let drained = 0
  req.on('error', () => {})
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length
    if (drained > limit * DRAIN_LIMIT_FACTOR) req.socket.destroy()
  })
  req.resume()
}
