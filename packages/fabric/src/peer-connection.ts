import { setMaxListeners } from 'node:events'
import {
  Client,
  type ClientOptions,
  credentials,
  InterceptingCall,
  type Interceptor,
} from '@grpc/grpc-js'
import { connect, type Gateway } from '@hyperledger/fabric-gateway'
import type { Endpoint } from '@steadfast/core'
import { DrainedReason } from './call-options.js'
import type { FabricPeerConfig, FailoverConnectOptions } from './failover-options.js'

/** Fabric peers refuse keepalive pings more often than this (ms). */
export const MIN_KEEPALIVE_MS = 60_000

/**
 * One gRPC client to one peer, with fabric-gateway's own Gateway over it. A connection is
 * replaced (not reconnected) on rebalance: the old one drains its in-flight calls, then closes.
 */
export class PeerConnection {
  readonly endpoint: Endpoint
  readonly client: Client
  readonly gateway: Gateway
  readonly createdAt = Date.now()
  #inFlight = 0
  #retired = false
  #closed = false
  readonly #drain = new AbortController()
  #idle: (() => void) | undefined

  constructor(endpoint: Endpoint, peer: FabricPeerConfig, options: FailoverConnectOptions) {
    // Every call in flight listens to the drain signal (and lets go when it ends).
    setMaxListeners(0, this.#drain.signal)
    this.endpoint = endpoint
    this.client = new Client(peer.address, channelCredentials(peer), channelOptions(peer, options))
    const { peers: _peers, ...connectOptions } = options
    this.gateway = connect({ ...pickConnectOptions(connectOptions), client: this.client })
  }

  /** Calls currently running on this connection. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Replaced by a newer connection: takes no new calls. */
  get retired(): boolean {
    return this.#retired
  }

  /** Aborts when the drain timeout expires: calls still running are cancelled (and fail over). */
  get drainSignal(): AbortSignal {
    return this.#drain.signal
  }

  /** Counts a call for the drain. Returns the release function. */
  track(): () => void {
    this.#inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight--
      if (this.#inFlight === 0) this.#idle?.()
    }
  }

  /** Stops new calls, waits for in-flight ones up to `drainTimeoutMs`, then closes. */
  async retire(drainTimeoutMs: number): Promise<void> {
    if (this.#retired) return
    this.#retired = true
    if (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainTimeoutMs)
        timer.unref()
        this.#idle = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    this.close()
  }

  /** Cancels what still runs and closes the gRPC client. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#retired = true
    this.#drain.abort(new DrainedReason())
    this.gateway.close()
    this.client.close()
  }
}

function channelCredentials(peer: FabricPeerConfig) {
  if (peer.tlsRootCert === undefined) return credentials.createInsecure()
  const toBuffer = (b: Buffer | Uint8Array | undefined) => (b ? Buffer.from(b) : null)
  const tls = credentials.createSsl(
    toBuffer(peer.tlsRootCert),
    toBuffer(peer.tlsClientKey),
    toBuffer(peer.tlsClientCert),
  )
  return tls
}

function channelOptions(peer: FabricPeerConfig, options: FailoverConnectOptions): ClientOptions {
  const keepalive = Math.max(MIN_KEEPALIVE_MS, options.keepaliveMs ?? 120_000)
  const result: ClientOptions = {
    'grpc.keepalive_time_ms': keepalive,
    'grpc.keepalive_timeout_ms': 20_000,
    // Fabric's default enforcement permits pings without streams at >= 60 s.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
    'grpc.max_send_message_length': 100 * 1024 * 1024,
  }
  if (peer.serverNameOverride) {
    result['grpc.ssl_target_name_override'] = peer.serverNameOverride
    result['grpc.default_authority'] = peer.serverNameOverride
  }
  if (peer.headers && Object.keys(peer.headers).length > 0) {
    result.interceptors = [headersInterceptor(peer.headers)]
  }
  return { ...result, ...peer.grpcOptions }
}

/** Adds the peer's configured headers to the metadata of every call. */
function headersInterceptor(headers: Record<string, string>): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        for (const [key, value] of Object.entries(headers)) metadata.set(key, value)
        next(metadata, listener)
      },
    })
}

/** The fabric-gateway connect options we pass through (call-option defaults are applied by us). */
function pickConnectOptions(options: Omit<FailoverConnectOptions, 'peers'>) {
  return {
    identity: options.identity,
    ...(options.signer ? { signer: options.signer } : {}),
    ...(options.hash ? { hash: options.hash } : {}),
    ...(options.tlsClientCertificateHash
      ? { tlsClientCertificateHash: options.tlsClientCertificateHash }
      : {}),
  }
}
