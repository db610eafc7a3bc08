import {
  ConfigError,
  createEndpointSet,
  type Endpoint,
  type EndpointInput,
  type EndpointSet,
} from '@steadfast/core'
import { ChainGuard } from './chain-guard.js'
import { evmProbe } from './evm-probe.js'
import { FilterRegistry } from './filter-registry.js'
import { HeadTracker } from './head-tracker.js'
import { isErrorResult, type JsonRpcPayload, type JsonRpcResult } from './json-rpc.js'
import type { FailoverEndpoint, FailoverProviderOptions } from './options.js'
import { setOptions } from './options.js'
import { PendingTransactions } from './pending-transactions.js'
import { type RouteScope, RpcRouter } from './rpc-router.js'
import { RpcTransport } from './rpc-transport.js'
import { shouldFailover as defaultShouldFailover } from './should-failover.js'
import type { ChainMismatchError } from './transport-errors.js'

/**
 * Everything a FailoverProvider and its pinned sessions share: the endpoint set, the
 * connection pools, the chain guard, the head tracker, filters and tracked transactions.
 */
export class FailoverRuntime {
  readonly set: EndpointSet
  readonly rpc: RpcTransport
  readonly router: RpcRouter
  readonly #disposers: (() => void)[] = []
  readonly #warmupMs: number
  #ready: Promise<void> | undefined

  constructor(
    endpoints: readonly FailoverEndpoint[],
    expectedChainId: bigint | undefined,
    options: FailoverProviderOptions,
    onMismatch: (error: ChainMismatchError) => void,
  ) {
    const tesseraByIndex = endpoints.map((e) => (typeof e === 'string' ? undefined : e.tessera))
    const inputs: EndpointInput[] = endpoints.map((e) => {
      if (typeof e === 'string') return e
      const { tessera: _tessera, ...config } = e
      return config
    })
    let rpc: RpcTransport | undefined
    const shouldFailover = options.shouldFailover ?? defaultShouldFailover
    this.set = createEndpointSet({
      ...setOptions(options),
      endpoints: inputs,
      shouldFailover,
      probe: (endpoint, signal) => {
        if (rpc === undefined) throw new Error('probe before start')
        return probe(endpoint, signal)
      },
    })
    for (const id of Object.keys(options.probe?.tessera ?? {})) {
      if (!this.set.endpoints.some((e) => e.id === id)) {
        throw new ConfigError(`probe.tessera.${id}`, id, 'names no endpoint of this provider')
      }
    }
    const tessera: Record<string, string> = {}
    for (const e of this.set.endpoints) {
      const url = tesseraByIndex[e.index]
      if (url !== undefined) tessera[e.id] = url
    }
    const guard = new ChainGuard({
      expected: expectedChainId,
      endpoints: this.set.endpoints,
      voteTimeoutMs: options.probeTimeoutMs ?? 2000,
      fetchChainId: (endpoint, signal) => fetchChainId(this.rpc, endpoint, signal),
      onMismatch: (endpoint, error) => {
        this.set.quarantine(endpoint.id, error.shortMessage)
        onMismatch(error)
      },
    })
    const clientOptions = {
      ...(options.maxResponseBytes !== undefined
        ? { maxResponseBytes: options.maxResponseBytes }
        : {}),
      ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
    }
    const head = new HeadTracker(() => this.set.bestHeight)
    rpc = new RpcTransport(this.set, clientOptions, guard, head, shouldFailover, options.deadlineMs)
    this.rpc = rpc
    const probe = evmProbe(rpc, {
      ...options.probe,
      ...(Object.keys(tessera).length > 0 ? { tessera } : {}),
    })
    this.router = new RpcRouter(rpc, new FilterRegistry(rpc), new PendingTransactions(), {
      hedge: options.hedge !== undefined && options.hedge !== false,
      rebroadcastAfterMs: options.rebroadcastAfterMs ?? 3000,
      propagationGraceMs: options.propagationGraceMs ?? 500,
    })
    this.#warmupMs = (options.probeTimeoutMs ?? 2000) + 500
    // A replica that went down may come back as something else: check its chain again.
    this.#disposers.push(
      this.set.on('stateChange', (e) => {
        if (e.to === 'unhealthy' || e.to === 'ejected') guard.forget(e.endpoint)
      }),
    )
  }

  /** Routes payloads once the first probe round is in (see {@link ready}). */
  async send(payloads: readonly JsonRpcPayload[], scope?: RouteScope): Promise<JsonRpcResult[]> {
    await this.ready()
    return this.router.send(payloads, scope)
  }

  /**
   * Starts the probes and resolves when every replica has been probed once (or after the probe
   * timeout): a wrong-chain replica is quarantined and a lagging one known before the first call.
   */
  ready(): Promise<void> {
    this.#ready ??= new Promise<void>((resolve) => {
      const waiting = new Set(this.set.endpoints.map((e) => e.id))
      const done = () => {
        dispose()
        clearTimeout(timer)
        resolve()
      }
      const dispose = this.set.on('probe', (e) => {
        waiting.delete(e.endpoint)
        if (waiting.size === 0) done()
      })
      const timer = setTimeout(done, this.#warmupMs)
      timer.unref()
      this.#disposers.push(done)
      this.set.start()
    })
    return this.#ready
  }

  /** Stops probes and closes every pooled connection. */
  async close(): Promise<void> {
    for (const dispose of this.#disposers.splice(0)) dispose()
    await this.set.close()
    this.rpc.closeClients()
  }
}

async function fetchChainId(
  rpc: RpcTransport,
  endpoint: Endpoint,
  signal: AbortSignal,
): Promise<bigint> {
  const [r] = await rpc.postUnchecked(endpoint, [rpc.payload('eth_chainId', [])], {
    signal,
    attempt: 1,
  })
  if (r === undefined || isErrorResult(r) || typeof r.result !== 'string') {
    throw new Error(`no eth_chainId answer from ${endpoint.redactedUrl}`)
  }
  return BigInt(r.result)
}
