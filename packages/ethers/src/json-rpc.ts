import { InvalidResponseError } from './transport-errors.js'

/** A JSON-RPC 2.0 request as ethers builds it. */
export interface JsonRpcPayload {
  id: number
  method: string
  params: readonly unknown[] | Record<string, unknown>
  jsonrpc: '2.0'
}

/** The JSON-RPC error object a node answers with. */
export interface JsonRpcErrorObject {
  code: number
  message: string
  data?: unknown
}

/** One JSON-RPC answer: a result or an error, keyed by the request id. */
export type JsonRpcResult =
  | { id: number; result: unknown }
  | { id: number; error: JsonRpcErrorObject }

/** True when the answer carries a JSON-RPC error. */
export function isErrorResult(r: JsonRpcResult): r is { id: number; error: JsonRpcErrorObject } {
  return 'error' in r
}

/**
 * Checks a decoded HTTP body against the payloads sent and returns one answer per payload, in
 * payload order. A body that is not JSON-RPC (wrong id, neither result nor error, not an
 * object) is an {@link InvalidResponseError}: a transport failure that fails over.
 */
export function matchResponses(
  payloads: readonly JsonRpcPayload[],
  body: unknown,
  endpoint: string,
): JsonRpcResult[] {
  const items = Array.isArray(body) ? body : [body]
  const byId = new Map<unknown, JsonRpcResult>()
  for (const item of items) {
    const r = toResult(item)
    if (r === undefined) {
      throw new InvalidResponseError('not a JSON-RPC response', {
        endpoint,
        details: JSON.stringify(item)?.slice(0, 120) ?? String(item),
      })
    }
    byId.set(r.id, r)
  }
  return payloads.map((p) => {
    const r = byId.get(p.id)
    if (r === undefined) {
      throw new InvalidResponseError(`no response for request id ${p.id} (${p.method})`, {
        endpoint,
      })
    }
    return r
  })
}

function toResult(item: unknown): JsonRpcResult | undefined {
  if (item === null || typeof item !== 'object') return undefined
  const o = item as Record<string, unknown>
  if (typeof o.id !== 'number' && typeof o.id !== 'string') return undefined
  const id = Number(o.id)
  if ('error' in o && o.error !== null && typeof o.error === 'object') {
    const e = o.error as Record<string, unknown>
    if (typeof e.code !== 'number' && typeof e.message !== 'string') return undefined
    return { id, error: o.error as JsonRpcErrorObject }
  }
  if ('result' in o) return { id, result: o.result }
  return undefined
}
