import { isErrorResult, type JsonRpcPayload, type JsonRpcResult } from './json-rpc.js'
import { decodeRawTransaction, type PendingTransactions } from './pending-transactions.js'
import { reconcileSender } from './reconcile-sender.js'
import type { RouteScope } from './rpc-router.js'
import type { RpcTransport } from './rpc-transport.js'

// Answers meaning "I already have this transaction" (geth, Besu/Quorum, ganache wordings).
const ALREADY_KNOWN = /already known|known transaction|already imported|already in (the )?pool/i
const NONCE_TOO_LOW = /nonce too low|nonce is too low/i

/**
 * eth_sendRawTransaction, safe to repeat on another replica: the hash is the same. "already
 * known" / "known transaction", and "nonce too low" for a transaction already on chain, are
 * success once eth_getTransactionByHash confirms the hash on that replica. A sender's flow
 * stays on the replica that got its previous transaction; moved, it first gets the sender's
 * unmined transactions re-sent so no nonce gap appears.
 */
export async function sendRawTransaction(
  rpc: RpcTransport,
  pending: PendingTransactions,
  p: JsonRpcPayload,
  scope: RouteScope,
): Promise<JsonRpcResult> {
  const raw = Array.isArray(p.params) ? p.params[0] : undefined
  const decoded = decodeRawTransaction(raw)
  const affinity = scope.affinity ?? (decoded ? pending.endpointOf(decoded.from) : undefined)
  return rpc.execute(
    async (endpoint, ctx) => {
      if (decoded !== undefined)
        await reconcileSender(rpc, pending, endpoint, decoded.from, ctx.signal)
      const [answer] = await rpc.post(endpoint, [p], ctx)
      if (answer === undefined) throw new Error('unreachable: no answer')
      let result = answer
      if (isErrorResult(answer) && decoded !== undefined) {
        const message = String(answer.error.message)
        const duplicate = ALREADY_KNOWN.test(message)
        if (duplicate || NONCE_TOO_LOW.test(message)) {
          const tx = (await rpc.call(
            endpoint,
            'eth_getTransactionByHash',
            [decoded.hash],
            ctx.signal,
          )) as {
            blockNumber?: unknown
          } | null
          const confirmed = tx !== null && (duplicate || (tx.blockNumber ?? null) !== null)
          if (confirmed) result = { id: p.id, result: decoded.hash }
        }
      }
      if (!isErrorResult(result) && decoded !== undefined && typeof raw === 'string') {
        pending.record(raw, decoded, endpoint.id)
      }
      scope.served?.(endpoint.id)
      return result
    },
    { idempotent: true, hedge: false, latest: true, ...(affinity ? { affinity } : {}) },
  )
}
