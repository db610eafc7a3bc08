import type { Endpoint, FailureKind } from '@steadfast/core'
import {
  ChainMismatchError,
  HttpStatusError,
  InvalidResponseError,
  ReplicaBehindError,
  RpcErrorResponse,
  TransportError,
} from './transport-errors.js'

/** Context of one failed attempt, as the core gives it. */
export interface FailoverContext {
  endpoint: Endpoint
  attempt: number
}

// JSON-RPC answers that say "this replica cannot serve now", not "your call is wrong".
const RETRYABLE_RPC_CODES = new Set([-32005 /* limit exceeded */, 429])
const RETRYABLE_RPC_MESSAGE =
  /rate limit|too many requests|header not found|missing trie node|server is busy|overload|request timed out/i

/**
 * Whether a failed attempt moves to another replica (the default of the `shouldFailover` option;
 * replace it to change the rule).
 * - transport failures: `unsent` when the request provably never left (refused connection,
 *   wrong chain checked before sending, a replica lacking the sender's earlier transactions),
 *   else `retryable`;
 * - HTTP 4xx/5xx, HTML, invalid JSON, a wrong id: `retryable`;
 * - a JSON-RPC error answer: `fatal` (ethers maps it: CALL_EXCEPTION, INSUFFICIENT_FUNDS …),
 *   except rate limits and "header not found"/"missing trie node" (a lagging or pruned replica),
 *   which are `retryable`.
 */
export function shouldFailover(error: unknown, _ctx: FailoverContext): FailureKind {
  if (error instanceof TransportError) return error.sent ? 'retryable' : 'unsent'
  if (error instanceof ChainMismatchError || error instanceof ReplicaBehindError) return 'unsent'
  if (error instanceof HttpStatusError || error instanceof InvalidResponseError) return 'retryable'
  if (error instanceof RpcErrorResponse) {
    if (RETRYABLE_RPC_CODES.has(error.rpcCode)) return 'retryable'
    return RETRYABLE_RPC_MESSAGE.test(error.shortMessage) ? 'retryable' : 'fatal'
  }
  return 'retryable'
}
