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
  graceMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (pending.endpointOf(sender) === endpoint.id) return
  for (const tx of pending.unmined(sender)) {
    // Give it time to arrive by propagation first: re-sending makes a second writer.
    if (await propagated(rpc, endpoint, tx.hash, graceMs, signal)) continue
    await resendRaw(rpc, endpoint, tx.raw, signal)
    tx.endpointId = endpoint.id
  }
  pending.moveSender(sender, endpoint.id)
}

/**
 * Re-sends, on `endpoint`, the unmined transactions of `sender` it accepted once but no longer
 * knows (checked by hash), in nonce order: a node drops a pending transaction on a restart, a
 * reorg that does not re-include it, or a pool eviction, and a receipt read there would
 * wait forever. Each checked transaction's `sentAt` restarts its rebroadcast clock.
 */
export async function rebroadcastDropped(
  rpc: RpcTransport,
  pending: PendingTransactions,
  endpoint: Endpoint,
  sender: string,
  signal: AbortSignal,
): Promise<void> {
  for (const tx of pending.unmined(sender)) {
    if (tx.endpointId !== endpoint.id) continue
    tx.sentAt = Date.now()
    if ((await rpc.call(endpoint, 'eth_getTransactionByHash', [tx.hash], signal)) !== null) continue
    await resendRaw(rpc, endpoint, tx.raw, signal)
  }
}

/**
 * Sends one of the provider's own raw transactions again to `endpoint`. A JSON-RPC refusal
 * (known, nonce too low: it arrived or was mined meanwhile) is an answer, not a failure; a
 * transport failure throws.
 */
export async function resendRaw(
  rpc: RpcTransport,
  endpoint: Endpoint,
  raw: string,
  signal: AbortSignal,
): Promise<void> {
  await rpc.call(endpoint, 'eth_sendRawTransaction', [raw], signal).catch((error: unknown) => {
    if (!(error instanceof Error && 'rpcCode' in error)) throw error
  })
}

// How often a waiting send looks for the transaction having propagated, in ms.
const PROPAGATION_POLL_MS = 50

/** Whether `endpoint` knows `hash` within `graceMs` (polled). */
export async function propagated(
  rpc: RpcTransport,
  endpoint: Endpoint,
  hash: string,
  graceMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const until = Date.now() + graceMs
  for (;;) {
    if ((await rpc.call(endpoint, 'eth_getTransactionByHash', [hash], signal)) !== null) return true
    if (Date.now() >= until) return false
    await new Promise((r) => setTimeout(r, PROPAGATION_POLL_MS).unref())
  }
}
