import type { JsonRpcErrorObject } from './json-rpc.js'

/**
 * Why a node refused an eth_sendRawTransaction that may be a duplicate of ours:
 * - `known`: it has this very transaction already (geth/Quorum "already known", "known
 *   transaction", Besu "already imported", ganache "already in the pool");
 * - `underpriced`: it holds a transaction with the same nonce (geth "replacement transaction
 *   underpriced"), possibly ours sent earlier;
 * - `nonceTooLow`: the nonce is used (geth "nonce too low", Besu "nonce is too low", ganache "the
 *   tx doesn't have the correct nonce", "incorrect nonce"), possibly by ours, already mined.
 * Each is success only once the node shows the hash (in its pool, or mined for `nonceTooLow`).
 */
export type SendRefusal = 'known' | 'underpriced' | 'nonceTooLow'

const KNOWN = /already known|known transaction|already imported|already in (the )?pool/i
const UNDERPRICED = /replacement transaction underpriced|replacement fee too low/i
const NONCE_TOO_LOW =
  /nonce too low|nonce is too low|doesn't have the correct nonce|incorrect nonce|nonce has already been used/i
// Ganache's wording says which way the nonce is off.
const GANACHE_NONCES = /account has nonce of: (\d+) tx has nonce of: (\d+)/i

/** The kind of refusal `message` is, or undefined for any other error. */
export function sendRefusal(message: string): SendRefusal | undefined {
  if (KNOWN.test(message)) return 'known'
  if (UNDERPRICED.test(message)) return 'underpriced'
  if (!NONCE_TOO_LOW.test(message)) return undefined
  const nonces = GANACHE_NONCES.exec(message)
  // "incorrect" with a nonce above the account's is a gap, not a used nonce.
  if (nonces !== null && BigInt(nonces[2] ?? 0) > BigInt(nonces[1] ?? 0)) return undefined
  return 'nonceTooLow'
}

/**
 * A used-nonce refusal in words ethers maps to `NONCE_EXPIRED` (it looks for "nonce" and "too
 * low"); ganache's "doesn't have the correct nonce" would be an `UNKNOWN_ERROR`. Code and data
 * are kept; any other error is returned as it is.
 */
export function asNonceExpired(error: JsonRpcErrorObject): JsonRpcErrorObject {
  const message = String(error.message)
  if (sendRefusal(message) !== 'nonceTooLow' || /too low/i.test(message)) return error
  return { ...error, message: `nonce too low: ${message}` }
}
