import { ConfigError, type Endpoint } from '@steadfast/core'
import { GatewayClosedError } from './errors/fabric-errors.js'
import type { FabricPeerConfig, FailoverConnectOptions } from './failover-options.js'
import { PeerConnection } from './peer-connection.js'

/** Builds a connection; replaced in unit tests. */
export type ConnectionFactory = (endpoint: Endpoint) => PeerConnection

/** What the pool needs to know. */
export interface ConnectionPoolOptions {
  /** Makes the connection for an endpoint. */
  create: ConnectionFactory
  /** In-flight calls get this long on a replaced connection (ms). */
  drainTimeoutMs: number
  /** Asks for a rotation when a connection reaches this age (ms). Off when undefined. */
  maxConnectionAgeMs?: number | undefined
  /** Relative jitter of the maximum age, 0..1. */
  maxConnectionAgeJitter?: number | undefined
  /** Called when a connection reached its maximum age. */
  onMaxAge?: ((endpoint: Endpoint) => void) | undefined
  random?: (() => number) | undefined
}

/**
 * The live connection of each peer, made on first use. `rotate()` replaces a connection at once
 * (new calls take the new one) and drains the old one in the background.
 */
export class ConnectionPool {
  readonly #options: ConnectionPoolOptions
  readonly #active = new Map<string, PeerConnection>()
  readonly #retiring = new Set<PeerConnection>()
  readonly #timers = new Map<string, NodeJS.Timeout>()
  readonly #rotateListeners = new Set<(old: PeerConnection) => void>()
  #closed = false

  constructor(options: ConnectionPoolOptions) {
    this.#options = options
  }

  /** The connection new calls to `endpoint` use. */
  get(endpoint: Endpoint): PeerConnection {
    if (this.#closed) throw new GatewayClosedError()
    let conn = this.#active.get(endpoint.id)
    if (!conn) {
      conn = this.#options.create(endpoint)
      this.#active.set(endpoint.id, conn)
      this.#armMaxAge(endpoint)
    }
    return conn
  }

  /** The current connection of `id`, without creating one. */
  peek(id: string): PeerConnection | undefined {
    return this.#active.get(id)
  }

  /** Ids of the peers that have a live connection. */
  ids(): string[] {
    return [...this.#active.keys()]
  }

  /** Replaces the connection of `id`: new calls go to a fresh one, the old one drains. */
  rotate(id: string): void {
    const old = this.#active.get(id)
    if (!old) return
    this.#active.delete(id)
    clearTimeout(this.#timers.get(id))
    this.#timers.delete(id)
    for (const listener of this.#rotateListeners) listener(old)
    this.#retiring.add(old)
    void old.retire(this.#options.drainTimeoutMs).finally(() => this.#retiring.delete(old))
  }

  /** Tells streams their connection was replaced. Returns the disposer. */
  onRotate(listener: (old: PeerConnection) => void): () => void {
    this.#rotateListeners.add(listener)
    return () => this.#rotateListeners.delete(listener)
  }

  /** Closes every connection at once, draining ones included (cancelling what still runs). */
  close(): void {
    this.#closed = true
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    for (const conn of this.#active.values()) conn.close()
    this.#active.clear()
    for (const conn of this.#retiring) conn.close()
    this.#retiring.clear()
    this.#rotateListeners.clear()
  }

  #armMaxAge(endpoint: Endpoint): void {
    const age = this.#options.maxConnectionAgeMs
    if (age === undefined || age <= 0) return
    const jitter = this.#options.maxConnectionAgeJitter ?? 0.1
    const random = this.#options.random ?? Math.random
    const delay = Math.max(1, age * (1 + jitter * (2 * random() - 1)))
    const timer = setTimeout(() => {
      this.#timers.delete(endpoint.id)
      this.#options.onMaxAge?.(endpoint)
    }, delay)
    timer.unref()
    this.#timers.set(endpoint.id, timer)
  }
}

/** The default factory: a real gRPC client per peer. */
export function peerConnectionFactory(
  peers: ReadonlyMap<string, FabricPeerConfig>,
  options: FailoverConnectOptions,
): ConnectionFactory {
  return (endpoint) => {
    const peer = peers.get(endpoint.id)
    if (!peer) throw new ConfigError('peers', endpoint.redactedUrl, 'has no such peer')
    return new PeerConnection(endpoint, peer, options)
  }
}
