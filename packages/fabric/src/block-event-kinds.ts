import type { CallOptions } from '@grpc/grpc-js'
import type {
  BlockEventsOptions,
  CloseableAsyncIterable,
  ConnectOptions,
  Gateway,
  Network,
  Signable,
} from '@hyperledger/fabric-gateway'
import type { common, peer } from '@hyperledger/fabric-protos'

/** The three Deliver streams, described once so the failover code handles them alike. */
export interface BlockEventKind<T> {
  /** fabric-gateway's request for a position, on a network. */
  request(network: Network, options: BlockEventsOptions): Signable & RequestEvents<T>
  /** fabric-gateway's request from bytes (signed by the application, or not). */
  fromBytes(
    gateway: Gateway,
    bytes: Uint8Array,
    signature?: Uint8Array,
  ): Signable & RequestEvents<T>
  /** Block number of an item. */
  numberOf(item: T): bigint
  /** Which connect-level call options apply. */
  defaultsKey: keyof Pick<
    ConnectOptions,
    'blockEventsOptions' | 'filteredBlockEventsOptions' | 'blockAndPrivateDataEventsOptions'
  >
}

interface RequestEvents<T> {
  getEvents(options?: CallOptions): Promise<CloseableAsyncIterable<T>>
}

export const fullBlocks: BlockEventKind<common.Block> = {
  request: (network, options) => network.newBlockEventsRequest(options),
  fromBytes: (gw, bytes, sig) =>
    sig ? gw.newSignedBlockEventsRequest(bytes, sig) : gw.newBlockEventsRequest(bytes),
  numberOf: (block) => BigInt(block.getHeader()?.getNumber() ?? 0),
  defaultsKey: 'blockEventsOptions',
}

export const filteredBlocks: BlockEventKind<peer.FilteredBlock> = {
  request: (network, options) => network.newFilteredBlockEventsRequest(options),
  fromBytes: (gw, bytes, sig) =>
    sig
      ? gw.newSignedFilteredBlockEventsRequest(bytes, sig)
      : gw.newFilteredBlockEventsRequest(bytes),
  numberOf: (block) => BigInt(block.getNumber()),
  defaultsKey: 'filteredBlockEventsOptions',
}

export const blocksAndPrivateData: BlockEventKind<peer.BlockAndPrivateData> = {
  request: (network, options) => network.newBlockAndPrivateDataEventsRequest(options),
  fromBytes: (gw, bytes, sig) =>
    sig
      ? gw.newSignedBlockAndPrivateDataEventsRequest(bytes, sig)
      : gw.newBlockAndPrivateDataEventsRequest(bytes),
  numberOf: (item) => BigInt(item.getBlock()?.getHeader()?.getNumber() ?? 0),
  defaultsKey: 'blockAndPrivateDataEventsOptions',
}
