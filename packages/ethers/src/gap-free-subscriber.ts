import type { Subscriber, Subscription } from 'ethers'
import { type BlockCursor, BlockSubscriber } from './block-subscriber.js'
import { type FilterEventHost, FilterEventSubscriber } from './filter-event-subscriber.js'
import { type ReceiptHost, ReceiptSubscriber } from './receipt-subscriber.js'

/**
 * The subscribers a Steadfast provider (FailoverProvider, a pinned session) uses in place of
 * ethers' own for "block" (no block skipped between two of ethers' listeners: see
 * {@link BlockSubscriber}), a transaction's receipt (also read on a timer: see
 * {@link ReceiptSubscriber}) and a contract event with a filter id (also polled on a timer: see
 * {@link FilterEventSubscriber}); undefined for every other subscription (ethers' own serves,
 * e.g. events with the `polling` option, which ethers reads with eth_getLogs).
 */
export function gapFreeSubscriber(
  host: ReceiptHost &
    FilterEventHost & { pollingInterval: number; _getOption(key: 'polling'): boolean | undefined },
  cursor: BlockCursor,
  sub: Subscription,
): Subscriber | undefined {
  if (sub.type === 'block') return new BlockSubscriber(host, cursor, host.pollingInterval)
  if (sub.type === 'transaction') return new ReceiptSubscriber(host, sub.hash, host.pollingInterval)
  if (sub.type === 'event' && host._getOption('polling') !== true)
    return new FilterEventSubscriber(host, sub.filter, host.pollingInterval)
  return undefined
}
