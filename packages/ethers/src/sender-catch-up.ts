import type { Endpoint } from '@steadfast/core'
import { quantity } from './head-tracker.js'
import type { NonceFloor } from './nonce-floor.js'
import { resendRaw } from './reconcile-sender.js'
import type { RpcTransport } from './rpc-transport.js'
import { ReplicaBehindError } from './transport-errors.js'

// How often a replica's count is read again while waiting for propagation, in ms.
const POLL_MS = 50

/**
 * Before `endpoint` gets `tx`: makes sure it holds every earlier transaction of the sender. A
 * replica that has not received the sender's previous transaction (mined elsewhere, not yet
 * propagated) would queue `tx` behind a nonce gap (ganache's eager instamine even holds the
 * call until the gap fills). Waits up to `graceMs` for propagation, then re-sends the missing
 * ones this provider signed itself, in nonce order (a duplicate of a known transaction is
 * harmless: same hash); throws {@link ReplicaBehindError} (unsent: try another replica) when a
 * missing one is not known here. Only when this provider sent the previous nonce itself: a
 * deliberate nonce gap of the caller's stays the caller's.
 */
export async function catchUpSender(
  rpc: RpcTransport,
  history: NonceFloor,
  endpoint: Endpoint,
  tx: { from: string; nonce: number },
  graceMs: number,
  signal: AbortSignal,
): Promise<void> {
  const floor = history.floor(tx.from, 'pending')
  if (floor === undefined || floor < tx.nonce) return
  // The replica that accepted the sender's previous transaction, still healthy, holds it: no
  // round trip to ask (the common case: a sender's writes in turn to one writer).
  if (
    history.acceptedBy(tx.from, tx.nonce - 1) === endpoint.id &&
    rpc.set.status().find((s) => s.id === endpoint.id)?.state === 'healthy'
  )
    return
  const count = () => pendingCount(rpc, endpoint, tx.from, signal)
  let have = await count()
  const until = Date.now() + graceMs
  while (have < tx.nonce && Date.now() < until) {
    await new Promise((r) => setTimeout(r, POLL_MS).unref())
    have = await count()
  }
  if (have >= tx.nonce) return
  const missing: string[] = []
  for (let n = have; n < tx.nonce; n++) {
    const raw = history.raw(tx.from, n)
    if (raw === undefined)
      throw new ReplicaBehindError(tx.from, tx.nonce, have, { endpoint: endpoint.redactedUrl })
    missing.push(raw)
  }
  for (const raw of missing) {
    await resendRaw(rpc, endpoint, raw, signal)
  }
}

async function pendingCount(
  rpc: RpcTransport,
  endpoint: Endpoint,
  from: string,
  signal: AbortSignal,
): Promise<number> {
  const n = quantity(await rpc.call(endpoint, 'eth_getTransactionCount', [from, 'pending'], signal))
  return n ?? 0
}
