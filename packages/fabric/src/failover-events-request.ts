import type { CallOptions } from '@grpc/grpc-js'
import type { CloseableAsyncIterable, Signable } from '@hyperledger/fabric-gateway'
import type { EventCursor } from './event-cursor.js'
import type { FailoverCallOptions } from './fabric-executor.js'
import { type EventOpener, FailoverEventStream } from './failover-event-stream.js'
import type { FailoverRuntime } from './failover-runtime.js'

/** How a request opens its stream on a peer, and which cursor tracks it. */
export interface EventsRequestSpec<T> {
  /** The request as fabric-gateway builds it offline: bytes and digest for offline signing. */
  offline: Signable
  cursor: () => EventCursor<T>
  /**
   * Opens at a position on a peer. With a signer a fresh request is signed for each position;
   * with an application-signed request the same bytes are re-sent and the cursor drops what
   * was delivered already.
   */
  opener: EventOpener<T>
  /** Channel whose height pins a "next commit" start (undefined: no pinning). */
  channelName: string | undefined
  defaults: (() => CallOptions) | undefined
}

/** A chaincode or block events request (fabric-gateway's `…EventsRequest`) that fails over. */
export class FailoverEventsRequest<T> implements Signable {
  readonly #runtime: FailoverRuntime
  readonly #spec: EventsRequestSpec<T>

  constructor(runtime: FailoverRuntime, spec: EventsRequestSpec<T>) {
    this.#runtime = runtime
    this.#spec = spec
  }

  getBytes(): Uint8Array {
    return this.#spec.offline.getBytes()
  }

  getDigest(): Uint8Array {
    return this.#spec.offline.getDigest()
  }

  /** Opens the stream; it reopens on another peer from its checkpoint whenever it must. */
  async getEvents(options?: FailoverCallOptions): Promise<CloseableAsyncIterable<T>> {
    const { signal, ...perCall } = options ?? {}
    const stream = new FailoverEventStream<T>(this.#runtime, {
      cursor: this.#spec.cursor(),
      opener: this.#spec.opener,
      channelName: this.#spec.channelName,
      defaults: this.#spec.defaults,
      perCall,
      signal,
    })
    try {
      return await stream.start()
    } catch (error) {
      stream.close()
      throw error
    }
  }
}
