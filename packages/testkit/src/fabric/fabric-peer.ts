import { Server, ServerCredentials, status } from '@grpc/grpc-js'
import { gateway, peer } from '@hyperledger/fabric-protos'
import { type FaultProxy, startFaultProxy } from '../fault-proxy/index.js'
import { TestkitError } from '../process/testkit-error.js'
import type { Chaincode } from './asset-chaincode.js'
import { deliverService } from './deliver-service.js'
import type { FabricLedger } from './fabric-ledger.js'
import { gatewayService } from './gateway-service.js'
import { GatewayStatusError } from './gateway-status.js'
import type { IdentityVerifier } from './identity-verifier.js'
import { enforceKeepalivePolicy } from './keepalive-policy.js'
import type { PeerContext } from './peer-context.js'
import type { EndorserIdentity } from './prepared-transaction.js'
import { qsccChaincode } from './qscc-chaincode.js'

/** One test peer: a gRPC server with the Gateway and Deliver services, behind a fault proxy. */
export interface FabricPeer {
  readonly index: number
  /** e.g. 'peer0.org1.example.com': the only name (SAN) in its TLS certificate. */
  readonly hostName: string
  /** '127.0.0.1:PORT' of its fault proxy: what clients dial. */
  readonly address: string
  /** '127.0.0.1:PORT' of the gRPC server itself. */
  readonly directAddress: string
  readonly proxy: FaultProxy
  /** Server gone: new connections are refused and open calls fail UNAVAILABLE. */
  kill(): Promise<void>
  /** Starts the server again on the same port, unpaused and available; it catches up with the ledger. */
  restart(): Promise<void>
  /** Hung: connections are accepted but no call is answered (clients hit their deadline). */
  pause(): Promise<void>
  /** Answers again; calls held while paused proceed. */
  resume(): Promise<void>
  /** While on, the peer receives no new blocks (reports an older height); off catches up. */
  setLag(on: boolean): void
  /** While on, every call is answered with status UNAVAILABLE. */
  setUnavailable(on: boolean): void
  /** Ends every open Deliver and ChaincodeEvents stream with status UNAVAILABLE; returns how many. */
  dropStreams(): number
  /** Blocks this peer has received. */
  height(): number
}

/** What one peer is made of (the network builds these). */
export interface FabricPeerOptions {
  readonly index: number
  readonly hostName: string
  readonly mspId: string
  readonly ledger: FabricLedger
  readonly verifier: IdentityVerifier
  readonly endorser: EndorserIdentity
  readonly chaincodes: ReadonlyMap<string, Chaincode>
  /** PEM server certificate and key; insecure when undefined. */
  readonly tls: { readonly certificate: Buffer; readonly privateKey: Buffer } | undefined
  /** Clients pinging more often than this (ms) are sent GOAWAY too_many_pings. Default: 60000. */
  readonly keepaliveMinIntervalMs?: number
}

const BIND_RETRY_MS = 2_000

/** A running peer with its `close()` (owned by the network). */
export interface ClosableFabricPeer extends FabricPeer {
  close(): Promise<void>
}

class TestPeer implements ClosableFabricPeer {
  readonly index: number
  readonly hostName: string
  readonly #options: FabricPeerOptions
  readonly #waiters = new Set<() => void>()
  readonly #streams = new Set<() => void>()
  readonly #unsubscribe: () => void
  #server: Server | undefined
  #port = 0
  #proxy: FaultProxy | undefined
  #height: number
  #lagging = false
  #paused = false
  #unavailable = false
  #life = new AbortController()

  constructor(options: FabricPeerOptions) {
    this.#options = options
    this.index = options.index
    this.hostName = options.hostName
    this.#height = options.ledger.height
    this.#unsubscribe = options.ledger.onBlock(() => this.#catchUp())
  }

  get address(): string {
    return `127.0.0.1:${this.proxy.port}`
  }

  get directAddress(): string {
    return `127.0.0.1:${this.#port}`
  }

  get proxy(): FaultProxy {
    if (this.#proxy === undefined)
      throw new TestkitError('NOT_STARTED', `${this.hostName} is not started`)
    return this.#proxy
  }

  height(): number {
    return this.#height
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }

  #catchUp(): void {
    if (this.#lagging || this.#height === this.#options.ledger.height) return
    this.#height = this.#options.ledger.height
    this.#notify()
  }

  #context(): PeerContext {
    const { ledger, verifier, endorser, mspId } = this.#options
    const life = this.#life.signal
    const nextChange = (signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        const done = () => {
          this.#waiters.delete(done)
          signal.removeEventListener('abort', done)
          life.removeEventListener('abort', done)
          if (signal.aborted || life.aborted) reject(signal.reason ?? life.reason)
          else resolve()
        }
        if (signal.aborted || life.aborted) return done()
        this.#waiters.add(done)
        signal.addEventListener('abort', done, { once: true })
        life.addEventListener('abort', done, { once: true })
      })
    const admit = async (signal: AbortSignal) => {
      for (;;) {
        if (this.#unavailable)
          throw new GatewayStatusError(status.UNAVAILABLE, `${this.hostName} is unavailable`)
        if (!this.#paused) return
        await nextChange(signal)
      }
    }
    const chaincodes = new Map(this.#options.chaincodes)
    chaincodes.set(
      'qscc',
      qsccChaincode(ledger, () => this.#height),
    )
    return {
      ledger,
      verifier,
      endorser,
      chaincodes,
      endpoint: { address: `${this.hostName}:${this.#port}`, mspId },
      height: () => this.#height,
      admit,
      waitForBlock: async (blockNumber, signal) => {
        while (this.#height <= blockNumber || this.#paused) await nextChange(signal)
      },
      nextHeightChange: nextChange,
      trackStream: (drop) => {
        this.#streams.add(drop)
        return () => this.#streams.delete(drop)
      },
    }
  }

  async #bind(port: number): Promise<void> {
    const server = new Server({ 'grpc.max_receive_message_length': 100 * 1024 * 1024 })
    const ctx = this.#context()
    server.addService(gateway.GatewayService, gatewayService(ctx))
    server.addService(peer.DeliverService, deliverService(ctx))
    const { tls } = this.#options
    const credentials =
      tls === undefined
        ? ServerCredentials.createInsecure()
        : ServerCredentials.createSsl(
            null,
            [{ cert_chain: tls.certificate, private_key: tls.privateKey }],
            false,
          )
    const deadline = Date.now() + BIND_RETRY_MS
    for (;;) {
      try {
        this.#port = await new Promise<number>((resolve, reject) =>
          server.bindAsync(`127.0.0.1:${port}`, credentials, (err, bound) =>
            err ? reject(err) : resolve(bound),
          ),
        )
        break
      } catch (err) {
        // A restart may race the OS releasing the port it just had.
        if (port === 0 || Date.now() > deadline)
          throw new TestkitError('PORT_IN_USE', `${this.hostName}: cannot bind`, { cause: err })
        await new Promise((r) => setTimeout(r, 50).unref())
      }
    }
    enforceKeepalivePolicy(server, this.#options.keepaliveMinIntervalMs ?? 60_000)
    this.#server = server
  }

  async start(signal?: AbortSignal): Promise<void> {
    await this.#bind(0)
    this.#proxy = await startFaultProxy({
      target: { port: this.#port },
      ...(signal ? { signal } : {}),
    })
  }

  #stopServer(): void {
    this.#life.abort(new Error(`${this.hostName} stopped`))
    this.#streams.clear()
    this.#server?.forceShutdown()
    this.#server = undefined
  }

  async kill(): Promise<void> {
    this.#stopServer()
    await this.proxy.setMode({ kind: 'down' })
  }

  async restart(): Promise<void> {
    if (this.#server !== undefined) this.#stopServer()
    // A new process: not paused nor failing any more (lag is the network's, it stays).
    this.#paused = false
    this.#unavailable = false
    this.#life = new AbortController()
    await this.#bind(this.#port)
    this.#catchUp()
    await this.proxy.setMode({ kind: 'pass' })
  }

  async pause(): Promise<void> {
    this.#paused = true
  }

  async resume(): Promise<void> {
    this.#paused = false
    this.#notify()
  }

  setLag(on: boolean): void {
    this.#lagging = on
    if (!on) this.#catchUp()
  }

  setUnavailable(on: boolean): void {
    this.#unavailable = on
  }

  dropStreams(): number {
    const drops = [...this.#streams]
    this.#streams.clear()
    for (const drop of drops) drop()
    return drops.length
  }

  async close(): Promise<void> {
    this.#unsubscribe()
    this.#stopServer()
    await this.#proxy?.close()
  }
}

/** Starts one peer and its fault proxy. */
export async function startFabricPeer(
  options: FabricPeerOptions,
  signal?: AbortSignal,
): Promise<ClosableFabricPeer> {
  const testPeer = new TestPeer(options)
  try {
    await testPeer.start(signal)
  } catch (err) {
    await testPeer.close()
    throw err
  }
  return testPeer
}
