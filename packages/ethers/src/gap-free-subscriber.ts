import type { Subscriber, Subscription } from 'ethers'
import { type BlockCursor, BlockSubscriber } from './block-subscriber.js'
import { type ReceiptHost, ReceiptSubscriber } from './receipt-subscriber.js'

/**
 * The subscribers a Steadfast provider (FailoverProvider, a pinned session) uses in place of
 * ethers' own for "block" (no block skipped between two of ethers' listeners: see
 * {@link BlockSubscriber}) and a transaction's receipt (also read on a timer: see
 * {@link ReceiptSubscriber}); undefined for every other subscription (ethers' own serves).
 */
export function gapFreeSubscriber(
  host: ReceiptHost & { pollingInterval: number },
  cursor: BlockCursor,
  sub: Subscription,
): Subscriber | undefined {
  if (sub.type === 'block') return new BlockSubscriber(host, cursor, host.pollingInterval)
  if (sub.type === 'transaction') return new ReceiptSubscriber(host, sub.hash, host.pollingInterval)
  return undefined
}
