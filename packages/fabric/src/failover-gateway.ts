import type { ChaincodeEvent, Gateway, Identity } from '@hyperledger/fabric-gateway'
import type { common, peer } from '@hyperledger/fabric-protos'
import type { EndpointSet, EndpointStatus } from '@steadfast/core'
import { blocksAndPrivateData, filteredBlocks, fullBlocks } from './block-event-kinds.js'
import { FailoverCommit } from './failover-commit.js'
import {
  signedBlockEventsRequest,
  signedChaincodeEventsRequest,
} from './failover-events-factory.js'
import type { FailoverEventsRequest } from './failover-events-request.js'
import { FailoverNetwork } from './failover-network.js'
import { FailoverProposal } from './failover-proposal.js'
import type { FailoverRuntime } from './failover-runtime.js'
import { FailoverTransaction } from './failover-transaction.js'

/**
 * fabric-gateway's `Gateway` over a health-checked set of gateway peers. Everything built from
 * it (networks, contracts, proposals, transactions, commits, event requests) fails over.
 */
export class FailoverGateway implements Gateway {
  readonly #runtime: FailoverRuntime
  #closing: Promise<void> | undefined

  constructor(runtime: FailoverRuntime) {
    this.#runtime = runtime
  }

  /** The endpoint set behind this gateway: events, status, cordon/prefer, for monitoring. */
  get endpointSet(): EndpointSet {
    return this.#runtime.set
  }

  /** Health snapshot of every peer. */
  status(): EndpointStatus[] {
    return this.#runtime.set.status()
  }

  /**
   * Moves to the best peer now: new calls go there at once, in-flight calls finish on their
   * connection within the drain timeout, event streams hand over at their checkpoint. With
   * `from`, traffic moves off that peer (else every connection is replaced in place).
   */
  rebalance(options: { reason?: string | undefined; from?: string | undefined } = {}): void {
    const { reason = 'manual', from } = options
    this.#runtime.set.rebalance(from === undefined ? { reason } : { reason, from })
  }

  getIdentity(): Identity {
    return this.#runtime.identity
  }

  getNetwork(channelName: string): FailoverNetwork {
    return new FailoverNetwork(this.#runtime, channelName)
  }

  newProposal(bytes: Uint8Array): FailoverProposal {
    return new FailoverProposal(this.#runtime, this.#runtime.builder.newProposal(bytes))
  }

  newSignedProposal(bytes: Uint8Array, signature: Uint8Array): FailoverProposal {
    return new FailoverProposal(this.#runtime, this.#runtime.builder.newProposal(bytes), signature)
  }

  newTransaction(bytes: Uint8Array): FailoverTransaction {
    return new FailoverTransaction(this.#runtime, bytes)
  }

  newSignedTransaction(bytes: Uint8Array, signature: Uint8Array): FailoverTransaction {
    return new FailoverTransaction(this.#runtime, bytes, signature)
  }

  newCommit(bytes: Uint8Array): FailoverCommit {
    return new FailoverCommit(this.#runtime, bytes)
  }

  newSignedCommit(bytes: Uint8Array, signature: Uint8Array): FailoverCommit {
    return new FailoverCommit(this.#runtime, bytes, undefined, signature)
  }

  newChaincodeEventsRequest(bytes: Uint8Array): FailoverEventsRequest<ChaincodeEvent> {
    return signedChaincodeEventsRequest(this.#runtime, bytes, undefined)
  }

  newSignedChaincodeEventsRequest(
    bytes: Uint8Array,
    signature: Uint8Array,
  ): FailoverEventsRequest<ChaincodeEvent> {
    return signedChaincodeEventsRequest(this.#runtime, bytes, signature)
  }

  newBlockEventsRequest(bytes: Uint8Array): FailoverEventsRequest<common.Block> {
    return signedBlockEventsRequest(this.#runtime, fullBlocks, bytes, undefined)
  }

  newSignedBlockEventsRequest(
    bytes: Uint8Array,
    signature: Uint8Array,
  ): FailoverEventsRequest<common.Block> {
    return signedBlockEventsRequest(this.#runtime, fullBlocks, bytes, signature)
  }

  newFilteredBlockEventsRequest(bytes: Uint8Array): FailoverEventsRequest<peer.FilteredBlock> {
    return signedBlockEventsRequest(this.#runtime, filteredBlocks, bytes, undefined)
  }

  newSignedFilteredBlockEventsRequest(
    bytes: Uint8Array,
    signature: Uint8Array,
  ): FailoverEventsRequest<peer.FilteredBlock> {
    return signedBlockEventsRequest(this.#runtime, filteredBlocks, bytes, signature)
  }

  newBlockAndPrivateDataEventsRequest(
    bytes: Uint8Array,
  ): FailoverEventsRequest<peer.BlockAndPrivateData> {
    return signedBlockEventsRequest(this.#runtime, blocksAndPrivateData, bytes, undefined)
  }

  newSignedBlockAndPrivateDataEventsRequest(
    bytes: Uint8Array,
    signature: Uint8Array,
  ): FailoverEventsRequest<peer.BlockAndPrivateData> {
    return signedBlockEventsRequest(this.#runtime, blocksAndPrivateData, bytes, signature)
  }

  /**
   * Closes every peer connection (cancelling calls and streams still running) and stops the
   * health probes. Returns a promise, which callers of fabric-gateway's `close()` may ignore.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const stream of [...this.#runtime.streams]) stream.close()
      this.#runtime.pool.close()
      this.#runtime.builder.close()
      await this.#runtime.set.close()
    })()
    return this.#closing
  }

  [Symbol.dispose](): void {
    void this.close()
  }
}
