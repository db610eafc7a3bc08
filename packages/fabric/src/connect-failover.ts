import {
  createEndpointSet,
  type Endpoint,
  type EndpointConfig,
  type EndpointSet,
  type Probe,
} from '@steadfast/core'
import { chainInfoProbe, checkHealthz } from './chain-info-probe.js'
import { checkConnectOptions } from './check-connect-options.js'
import { classifiedFailure } from './classify-failure.js'
import { ConnectionPool, peerConnectionFactory } from './connection-pool.js'
import { FabricExecutor } from './fabric-executor.js'
import { FailoverGateway } from './failover-gateway.js'
import {
  defaultDeadlines,
  type FabricPeerConfig,
  type FailoverConnectOptions,
} from './failover-options.js'
import type { FailoverRuntime } from './failover-runtime.js'
import { offlineGateway } from './offline-gateway.js'
import { shouldFailover as defaultShouldFailover } from './should-failover.js'

const DEFAULT_PROBE_TIMEOUT_MS = 2_000

/**
 * Connects to a set of Fabric Gateway peers and returns one Gateway over them: the same API as
 * fabric-gateway's `connect()` result, with failover, health checks and lossless event streams.
 * No network traffic happens here; probes start with the first call.
 */
export function connectFailover(options: FailoverConnectOptions): FailoverGateway {
  checkConnectOptions(options)
  const peers = options.peers
  const ids = peerIds(peers)
  const byId = new Map(peers.map((peer, i) => [ids[i] as string, peer] as const))
  const deadlines = { ...defaultDeadlines, ...options.deadlines }
  const shouldFailover = options.shouldFailover ?? defaultShouldFailover
  // Filled below: the set's probe needs the pool, the pool's max-age timer needs the set.
  const late: { pool?: ConnectionPool; set?: EndpointSet } = {}
  const maxLag = options.maxLag ?? 5
  const set = createEndpointSet({
    name: options.name ?? 'fabric',
    policy: options.policy ?? 'priority',
    maxLag,
    hedge: { delayMs: options.commitStatusHedgeMs ?? 3_000, max: 2 },
    ...options.set,
    endpoints: peers.map((peer, i) => endpointConfig(peer, ids[i] as string)),
    probe: fabricProbe(options, byId, maxLag, late),
    shouldFailover: classifiedFailure,
    ...(options.health !== undefined ? { health: options.health } : {}),
    ...(options.outlier !== undefined ? { outlier: options.outlier } : {}),
  })
  const pool = new ConnectionPool({
    create: peerConnectionFactory(byId, options),
    drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
    maxConnectionAgeMs: options.maxConnectionAgeMs,
    maxConnectionAgeJitter: options.maxConnectionAgeJitter,
    onMaxAge: (endpoint) => set.rebalance({ reason: 'max-connection-age', from: endpoint.id }),
    random: options.set?.random,
  })
  late.pool = pool
  late.set = set
  // A rebalance replaces the connection it moves away from (or all of them when it names
  // none): new calls take a fresh one, the old one drains, event streams hand over.
  set.on('rebalance', (e) => {
    for (const id of e.from === undefined ? pool.ids() : [e.from]) pool.rotate(id)
  })
  const runtime: FailoverRuntime = {
    set,
    pool,
    executor: new FabricExecutor({
      set,
      pool,
      deadlines,
      shouldFailover,
      defaults: options,
      peerCount: peers.length,
    }),
    builder: offlineGateway(options),
    identity: options.identity,
    signer: options.signer,
    shouldFailover,
    defaults: options,
    streams: new Set(),
  }
  return new FailoverGateway(runtime)
}

/**
 * Peer ids: the configured `id`, else the TLS name (`serverNameOverride`: what operators call
 * the peer), else the address; a name shared by several peers gets `@address` appended.
 */
function peerIds(peers: readonly FabricPeerConfig[]): string[] {
  const names = peers.map((peer) => peer.serverNameOverride ?? peer.address)
  return peers.map((peer, i) => {
    if (peer.id !== undefined) return peer.id
    const name = names[i] as string
    return names.indexOf(name) === names.lastIndexOf(name) ? name : `${name}@${peer.address}`
  })
}

function endpointConfig(peer: FabricPeerConfig, id: string): EndpointConfig {
  const scheme = peer.tlsRootCert === undefined ? 'grpc' : 'grpcs'
  return {
    url: `${scheme}://${peer.address}`,
    id,
    ...(peer.priority !== undefined ? { priority: peer.priority } : {}),
    ...(peer.weight !== undefined ? { weight: peer.weight } : {}),
    ...(peer.labels ? { labels: peer.labels } : {}),
  }
}

/**
 * The set's probe: the chosen Fabric probe on the peer's current connection, plus /healthz. A
 * peer more than `maxLag` blocks behind the best height is reported degraded, so connection
 * holders (event streams) leave it and calls go elsewhere while a fresher peer is up.
 */
function fabricProbe(
  options: FailoverConnectOptions,
  peers: ReadonlyMap<string, FabricPeerConfig>,
  maxLag: number,
  late: { pool?: ConnectionPool; set?: EndpointSet },
): Probe {
  const probe = options.probe ?? chainInfoProbe
  const timeoutMs = options.health?.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  return async (endpoint: Endpoint, signal: AbortSignal) => {
    const conn = late.pool?.get(endpoint)
    if (!conn) return { ok: false, details: 'not connected' }
    const healthzUrl = peers.get(endpoint.id)?.healthzUrl
    // Counted like a call: a connection replaced meanwhile waits for the probe to finish.
    const release = conn.track()
    const [result, healthz] = await Promise.all([
      probe({
        endpoint,
        gateway: conn.gateway,
        client: conn.client,
        channelName: options.channelName,
        connectivity: conn.client.getChannel().getConnectivityState(false),
        deadline: Date.now() + timeoutMs,
        signal,
      }),
      healthzUrl ? checkHealthz(healthzUrl, signal) : undefined,
    ]).finally(release)
    if (healthz && !healthz.ok) return healthz
    const best = late.set?.bestHeight
    if (result.ok && result.height !== undefined && best !== undefined) {
      const lag = best - result.height
      if (lag > maxLag) return { ...result, degraded: true, details: `${lag} blocks behind` }
    }
    return result
  }
}
