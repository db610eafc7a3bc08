import type { Endpoint } from '@steadfast/core'
import { isErrorResult, type JsonRpcPayload, type JsonRpcResult } from './json-rpc.js'
import { decodeRawTransaction, type PendingTransactions } from './pending-transactions.js'
import { propagated, reconcileSender } from './reconcile-sender.js'
import type { RouteScope } from './rpc-router.js'
import type { RpcTransport } from './rpc-transport.js'
import { asNonceExpired, sendRefusal } from './send-refusal.js'

/** Options of raw transaction sending. */
export interface RawTransactionOptions {
  /** A retried send first waits this long for the transaction to propagate, in ms. */
  propagationGraceMs: number
  /** Run on the chosen replica just before the transaction is sent there (decoded sends only). */
  beforeSend?: (
    endpoint: Endpoint,
    tx: { from: string; nonce: number },
    signal: AbortSignal,
  ) => Promise<void>
}

/**
 * eth_sendRawTransaction, safe to repeat on another replica: the hash is the same. "already
 * known" / "known transaction", and "nonce too low" for a transaction already on chain, are
 * success once eth_getTransactionByHash confirms the hash on that replica. Writes stay on the
 * replica that took the last write (one writer at a time); a retried send first gives the
 * previous attempt time to propagate, and a replica taking over gets the sender's unmined
 * transactions re-sent first so no nonce gap appears.
 */
export async function sendRawTransaction(
  rpc: RpcTransport,
  pending: PendingTransactions,
  p: JsonRpcPayload,
  scope: RouteScope,
  options: RawTransactionOptions,
): Promise<JsonRpcResult> {
  const raw = Array.isArray(p.params) ? p.params[0] : undefined
  const decoded = decodeRawTransaction(raw)
  const affinity = scope.affinity ?? pending.writer
  return rpc.execute(
    async (endpoint, ctx) => {
      let result: JsonRpcResult | undefined
      if (decoded !== undefined) {
        await reconcileSender(
          rpc,
          pending,
          endpoint,
          decoded.from,
          options.propagationGraceMs,
          ctx.signal,
        )
        await options.beforeSend?.(endpoint, decoded, ctx.signal)
        // The previous attempt may have arrived and be propagating: do not make a second writer.
        if (
          ctx.attempt > 1 &&
          (await propagated(rpc, endpoint, decoded.hash, options.propagationGraceMs, ctx.signal))
        ) {
          result = { id: p.id, result: decoded.hash }
        }
      }
      if (result === undefined) {
        const [answer] = await rpc.post(endpoint, [p], ctx)
        if (answer === undefined) throw new Error('unreachable: no answer')
        result =
          decoded !== undefined
            ? await confirmDuplicate(rpc, endpoint, answer, decoded.hash, ctx.signal)
            : answer
      }
      if (!isErrorResult(result) && decoded !== undefined && typeof raw === 'string') {
        pending.record(raw, decoded, endpoint.id)
      }
      if (!isErrorResult(result)) pending.writer = endpoint.id
      scope.served?.(endpoint.id)
      return result
    },
    {
      idempotent: true,
      hedge: false,
      latest: true,
      write: true,
      ...(affinity ? { affinity } : {}),
    },
  )
}

/**
 * A duplicate-looking refusal (see {@link sendRefusal}) becomes success when the replica has the
 * transaction by hash (mined, for a used nonce); otherwise the refusal passes through, a used
 * nonce in words ethers maps to NONCE_EXPIRED.
 */
async function confirmDuplicate(
  rpc: RpcTransport,
  endpoint: Endpoint,
  answer: JsonRpcResult,
  hash: string,
  signal: AbortSignal,
): Promise<JsonRpcResult> {
  if (!isErrorResult(answer)) return answer
  const refusal = sendRefusal(String(answer.error.message))
  if (refusal === undefined) return answer
  const tx = (await rpc.call(endpoint, 'eth_getTransactionByHash', [hash], signal)) as {
    blockNumber?: unknown
  } | null
  const confirmed = tx !== null && (refusal !== 'nonceTooLow' || (tx.blockNumber ?? null) !== null)
  return confirmed
    ? { id: answer.id, result: hash }
    : { id: answer.id, error: asNonceExpired(answer.error) }
}
