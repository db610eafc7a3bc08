import { TestkitError } from '../process/testkit-error.js'

/** What an `http` mode answers for one request; a function sees the request it answers. */
export interface HttpFaultRequest {
  readonly method: string
  readonly path: string
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A proxy's behaviour for new connections (and, after a reset, for every connection). */
export type FaultMode =
  /** Forward bytes both ways untouched. */
  | { kind: 'pass' }
  /** Listener closed, like a killed node: connecting fails with ECONNREFUSED. Same port kept. */
  | { kind: 'down' }
  /** Accept, then answer the first bytes received with a TCP RST (ECONNRESET). */
  | { kind: 'reset' }
  /** Accept and read, never answer, never close (a blackhole). */
  | { kind: 'hang' }
  /**
   * Forward, but delay every response chunk by `delayMs` (milliseconds) and, if set, cap the
   * response bandwidth at `bytesPerSecond` (default: no cap).
   */
  | { kind: 'slow'; delayMs: number; bytesPerSecond?: number }
  /** Forward, but end the connection once `afterBytes` response bytes went through. */
  | { kind: 'cut'; afterBytes: number }
  /**
   * Answer every HTTP/1.1 request itself with `status`, `body` (default empty) and `headers`
   * (default: a content type guessed from the body); the target is never contacted.
   */
  | {
      kind: 'http'
      status: number
      body?: string | ((request: HttpFaultRequest) => string)
      headers?: Record<string, string>
    }

/** Throws a `TestkitError` with code `INVALID_FAULT_MODE` when a mode's numbers make no sense. */
export function validateFaultMode(mode: FaultMode): void {
  const bad = (why: string): never => {
    throw new TestkitError('INVALID_FAULT_MODE', `invalid fault mode '${mode.kind}': ${why}`)
  }
  switch (mode.kind) {
    case 'slow':
      if (!(mode.delayMs >= 0)) bad('delayMs must be >= 0')
      if (mode.bytesPerSecond !== undefined && !(mode.bytesPerSecond > 0))
        bad('bytesPerSecond must be > 0')
      return
    case 'cut':
      if (!(Number.isInteger(mode.afterBytes) && mode.afterBytes >= 0))
        bad('afterBytes must be an integer >= 0')
      return
    case 'http':
      if (!(Number.isInteger(mode.status) && mode.status >= 100 && mode.status <= 599))
        bad('status must be an integer in 100..599')
      return
    case 'pass':
    case 'down':
    case 'reset':
    case 'hang':
      return
    default:
      bad('unknown kind')
  }
}

/**
 * An `http` mode body answering every JSON-RPC request (single or batch) with the given error,
 * echoing each request's `id` so a client matching ids (ethers) accepts the answer.
 */
export function jsonRpcErrorBody(
  code: number,
  message: string,
  data?: unknown,
): (request: HttpFaultRequest) => string {
  const error = data === undefined ? { code, message } : { code, message, data }
  return (request) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(request.body)
    } catch {
      parsed = undefined
    }
    const idOf = (p: unknown) =>
      p !== null && typeof p === 'object' && 'id' in p ? (p as { id: unknown }).id : null
    if (Array.isArray(parsed))
      return JSON.stringify(parsed.map((p) => ({ jsonrpc: '2.0', id: idOf(p), error })))
    return JSON.stringify({ jsonrpc: '2.0', id: idOf(parsed), error })
  }
}
