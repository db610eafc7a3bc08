import type { EndpointSet, EndpointStatus } from '@steadfast/core'
import {
  type JsonRpcApiProviderOptions,
  type JsonRpcPayload,
  JsonRpcProvider,
  type JsonRpcResult,
  Network,
  type Networkish,
  type Subscriber,
  type Subscription,
} from 'ethers'
import type { BlockCursor } from './block-subscriber.js'
import { checkEndpoints, checkPinOptions, checkProviderOptions } from './check-provider-options.js'
import { FailoverRuntime } from './failover-runtime.js'
import { gapFreeSubscriber } from './gap-free-subscriber.js'
import type { FailoverEndpoint, FailoverProviderOptions } from './options.js'
import { splitOptions } from './options.js'
import { PinnedProvider } from './pinned-provider.js'

/**
 * A drop-in ethers v6 provider over JSON-RPC replicas: `new FailoverProvider([url1, url2, url3],
 * network, options)` instead of `new JsonRpcProvider(url, network, options)`. It is a
 * JsonRpcProvider (so ethers' batching, caching, polling and error mapping all apply) whose
 * `_send` routes each payload or batch through a core endpoint set: reads fail over and hedge,
 * raw transactions are safely re-sent, node-signed calls move only when unsent, filters are
 * sticky and recreated with a backfill, block numbers never go backwards. No network traffic
 * happens before the first call.
 */
export class FailoverProvider extends JsonRpcProvider {
  readonly #runtime: FailoverRuntime
  readonly #network: Networkish | undefined
  readonly #ethersOptions: JsonRpcApiProviderOptions
  readonly #sessions = new Set<PinnedProvider>()
  readonly #inflight = new Set<Promise<unknown>>()
  #sent = 0
  readonly #blockCursor: BlockCursor = { block: undefined, stoppedAt: undefined }

  constructor(
    endpoints: readonly FailoverEndpoint[],
    network?: Networkish,
    options?: FailoverProviderOptions,
  ) {
    checkEndpoints(endpoints)
    const first = endpoints[0]
    const { ethers, failover } = splitOptions(checkProviderOptions(options, network))
    // Every replica's chain is checked before it serves (chain guard, probes), so ethers' own
    // per-call eth_chainId check is redundant: a given network is static unless said otherwise.
    if (network != null && network !== 'any' && ethers.staticNetwork === undefined) {
      ethers.staticNetwork = Network.from(network)
    }
    super(typeof first === 'string' ? first : first?.url, network, ethers)
    this.#network = network
    this.#ethersOptions = ethers
    const expected = expectedChainId(network, ethers.staticNetwork, failover.chainId)
    this.#runtime = new FailoverRuntime(endpoints, expected, failover, (error) => {
      void this.emit('error', error)
    })
  }

  /** Routes one payload or an ethers batch through the replica set (the only transport hook). */
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const payloads = Array.isArray(payload) ? payload : [payload]
    const run = this.#runtime.send(payloads) as Promise<JsonRpcResult[]>
    this.#sent++
    this.#inflight.add(run)
    try {
      return await run
    } finally {
      this.#inflight.delete(run)
    }
  }

  /**
   * ethers' subscribers, except "block" (resumes where the last block subscription stopped,
   * so no block is skipped between listeners) and transaction hashes (the receipt is also
   * polled on a timer, not only on new blocks): see `gapFreeSubscriber`.
   */
  override _getSubscriber(sub: Subscription): Subscriber {
    return gapFreeSubscriber(this, this.#blockCursor, sub) ?? super._getSubscriber(sub)
  }

  /** The core endpoint set (events, cordon/prefer, status). */
  get endpointSet(): EndpointSet {
    return this.#runtime.set
  }

  /** A status snapshot of every replica (redacted URLs). */
  status(): EndpointStatus[] {
    return this.#runtime.set.status()
  }

  /**
   * A pinned session: a provider whose every call (nonce → estimate → send → receipt) goes to one
   * replica first; after a failover it follows the new replica, whose missing transactions of the
   * flow are re-sent by hash first. Destroy it when the flow is done.
   */
  pin(options: { endpoint?: string } = {}): PinnedProvider {
    checkPinOptions(options, this.#runtime.set.endpoints)
    const start = options.endpoint ?? this.#runtime.set.pick({ fresh: true })?.id
    const session = new PinnedProvider(
      this.#runtime,
      this.#network,
      this.#ethersOptions,
      start,
      () => this.#sessions.delete(session),
    )
    this.#sessions.add(session)
    return session
  }

  /** Stops polling, probes and closes every pooled connection. */
  override destroy(): void {
    for (const session of this.#sessions) session.destroy()
    super.destroy()
    void this.#runtime.close()
  }

  /**
   * A graceful {@link destroy}: calls already queued by ethers (e.g. the `eth_uninstallFilter`
   * of a removed listener) are sent and answered first; resolves once every probe and connection
   * is closed.
   */
  async close(): Promise<void> {
    const stall = Number(this._getOption('batchStallTime') ?? 10)
    // A call may queue another as it settles (ethers uninstalls a filter once its listener is
    // gone): wait until a whole batch stall passes with nothing new sent (at most 10 rounds).
    for (let round = 0; round < 10; round++) {
      const sent = this.#sent
      await new Promise((r) => setTimeout(r, stall + 5).unref())
      await Promise.allSettled([...this.#inflight])
      if (this.#sent === sent) break
    }
    for (const session of this.#sessions) session.destroy()
    super.destroy()
    await this.#runtime.close()
  }
}

function expectedChainId(
  network: Networkish | undefined,
  staticNetwork: JsonRpcApiProviderOptions['staticNetwork'],
  chainId: bigint | number | undefined,
): bigint | undefined {
  if (network !== undefined && network !== null && network !== 'any')
    return Network.from(network).chainId
  if (staticNetwork instanceof Network) return staticNetwork.chainId
  return chainId === undefined ? undefined : BigInt(chainId)
}
