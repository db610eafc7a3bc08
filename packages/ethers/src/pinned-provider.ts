import {
  type JsonRpcApiProviderOptions,
  type JsonRpcPayload,
  JsonRpcProvider,
  type JsonRpcResult,
  type Networkish,
  type Subscriber,
  type Subscription,
} from 'ethers'
import type { BlockCursor } from './block-subscriber.js'
import type { FailoverRuntime } from './failover-runtime.js'
import { gapFreeSubscriber } from './gap-free-subscriber.js'

/**
 * A session of a FailoverProvider pinned to one replica (see `FailoverProvider.pin()`). It shares
 * the parent's replicas, pools and tracked transactions; destroying it leaves the parent running.
 */
export class PinnedProvider extends JsonRpcProvider {
  readonly #runtime: FailoverRuntime
  readonly #onDestroy: () => void
  #endpointId: string | undefined
  readonly #blockCursor: BlockCursor = { block: undefined, stoppedAt: undefined }

  /** @internal Created by `FailoverProvider.pin()`. */
  constructor(
    runtime: FailoverRuntime,
    network: Networkish | undefined,
    options: JsonRpcApiProviderOptions,
    endpointId: string | undefined,
    onDestroy: () => void,
  ) {
    const first = runtime.set.endpoints[0]?.url
    super(first, network, options)
    this.#runtime = runtime
    this.#endpointId = endpointId
    this.#onDestroy = onDestroy
  }

  /** Id of the replica the session is pinned to now. */
  get endpoint(): string | undefined {
    return this.#endpointId
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const payloads = Array.isArray(payload) ? payload : [payload]
    const results = await this.#runtime.send(payloads, {
      affinity: this.#endpointId,
      served: (id) => {
        this.#endpointId = id
      },
    })
    return results as JsonRpcResult[]
  }

  /** The parent's subscribers: no block skipped between ethers' listeners, receipts also polled on a timer. */
  override _getSubscriber(sub: Subscription): Subscriber {
    return gapFreeSubscriber(this, this.#blockCursor, sub) ?? super._getSubscriber(sub)
  }

  override destroy(): void {
    this.#onDestroy()
    super.destroy()
  }
}
