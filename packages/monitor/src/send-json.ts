import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError } from './http-error.js'
import { discard } from './read-json-body.js'

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

/** Writes a JSON answer, unless the response is already sent or the client is gone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) return
  const text = `${JSON.stringify(body)}\n`
  res.writeHead(status, { ...HEADERS, ...headers, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/**
 * Answers a failed request: an {@link HttpError} as `{ error: { code, message, field? } }` with
 * its status, anything else as a bare 500 (its message is never echoed: it could hold anything).
 * What is left of the request body is drained first, so the client reads the answer.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  bodyLimitBytes: number,
): void {
  discard(req, bodyLimitBytes)
  if (!(error instanceof HttpError)) {
    sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } })
    return
  }
  const field = error.field === undefined ? {} : { field: error.field }
  const close: Record<string, string> = error.status === 413 ? { connection: 'close' } : {}
  const body = { error: { code: error.code, message: error.message, ...field } }
  sendJson(res, error.status, body, { ...error.headers, ...close })
}
