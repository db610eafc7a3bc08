import type { Endpoint } from '@steadfast/core'
import type { PendingTransactions } from './pending-transactions.js'
import type { RpcTransport } from './rpc-transport.js'

/**
 * Re-sends, on `endpoint`, the unmined transactions of `sender` that it does not know (checked
 * by hash), in nonce order, then binds the sender's flow to `endpoint`.
 */
export async function reconcileSender(
  rpc: RpcTransport,
  pending: PendingTransactions,
  endpoint: Endpoint,
  sender: string,
  signal: AbortSignal,
): Promise<void> {
  if (pending.endpointOf(sender) === endpoint.id) return
  for (const tx of pending.unmined(sender)) {
    const known = await rpc.call(endpoint, 'eth_getTransactionByHash', [tx.hash], signal)
    if (known !== null) continue
    // A JSON-RPC refusal (nonce too low: mined meanwhile) is an answer, not a failure.
    await rpc.call(endpoint, 'eth_sendRawTransaction', [tx.raw], signal).catch((error: unknown) => {
      if (!(error instanceof Error && 'rpcCode' in error)) throw error
    })
    tx.endpointId = endpoint.id
  }
  pending.moveSender(sender, endpoint.id)
}
