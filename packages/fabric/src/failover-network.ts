import type {
  BlockEventsOptions,
  ChaincodeEvent,
  ChaincodeEventsOptions,
  CloseableAsyncIterable,
  Network,
} from '@hyperledger/fabric-gateway'
import type { common, peer } from '@hyperledger/fabric-protos'
import { blocksAndPrivateData, filteredBlocks, fullBlocks } from './block-event-kinds.js'
import { FailoverContract } from './failover-contract.js'
import { blockEventsRequest, chaincodeEventsRequest } from './failover-events-factory.js'
import type { FailoverEventsRequest } from './failover-events-request.js'
import type { FailoverRuntime } from './failover-runtime.js'

/** Events options plus a signal that ends the stream. */
export interface FailoverEventsOptions extends ChaincodeEventsOptions {
  signal?: AbortSignal
}

/**
 * A channel, as fabric-gateway's `Network`: contracts whose calls fail over, and event streams
 * that resume on another peer from their checkpoint.
 */
export class FailoverNetwork implements Network {
  readonly #runtime: FailoverRuntime
  readonly #name: string

  constructor(runtime: FailoverRuntime, channelName: string) {
    this.#runtime = runtime
    this.#name = channelName
  }

  getName(): string {
    return this.#name
  }

  getContract(chaincodeName: string, contractName?: string): FailoverContract {
    return new FailoverContract(this.#runtime, this.#name, chaincodeName, contractName)
  }

  getChaincodeEvents(
    chaincodeName: string,
    options?: FailoverEventsOptions,
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const { signal, ...rest } = options ?? {}
    return this.newChaincodeEventsRequest(chaincodeName, rest).getEvents(signal ? { signal } : {})
  }

  newChaincodeEventsRequest(
    chaincodeName: string,
    options: ChaincodeEventsOptions = {},
  ): FailoverEventsRequest<ChaincodeEvent> {
    return chaincodeEventsRequest(this.#runtime, this.#name, chaincodeName, options)
  }

  getBlockEvents(options?: FailoverEventsOptions): Promise<CloseableAsyncIterable<common.Block>> {
    const { signal, ...rest } = options ?? {}
    return this.newBlockEventsRequest(rest).getEvents(signal ? { signal } : {})
  }

  newBlockEventsRequest(options: BlockEventsOptions = {}): FailoverEventsRequest<common.Block> {
    return blockEventsRequest(this.#runtime, fullBlocks, this.#name, options)
  }

  getFilteredBlockEvents(
    options?: FailoverEventsOptions,
  ): Promise<CloseableAsyncIterable<peer.FilteredBlock>> {
    const { signal, ...rest } = options ?? {}
    return this.newFilteredBlockEventsRequest(rest).getEvents(signal ? { signal } : {})
  }

  newFilteredBlockEventsRequest(
    options: BlockEventsOptions = {},
  ): FailoverEventsRequest<peer.FilteredBlock> {
    return blockEventsRequest(this.#runtime, filteredBlocks, this.#name, options)
  }

  getBlockAndPrivateDataEvents(
    options?: FailoverEventsOptions,
  ): Promise<CloseableAsyncIterable<peer.BlockAndPrivateData>> {
    const { signal, ...rest } = options ?? {}
    return this.newBlockAndPrivateDataEventsRequest(rest).getEvents(signal ? { signal } : {})
  }

  newBlockAndPrivateDataEventsRequest(
    options: BlockEventsOptions = {},
  ): FailoverEventsRequest<peer.BlockAndPrivateData> {
    return blockEventsRequest(this.#runtime, blocksAndPrivateData, this.#name, options)
  }
}
