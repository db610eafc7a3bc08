/**
 * Where the Fabric integration tests run. By default: testkit's in-process Fabric test peers
 * (no Fabric binary can run on this machine). With STEADFAST_FABRIC_PEERS set: real gateway
 * peers, each reached through a local testkit fault proxy so the tests can still cut, hang and
 * reset it (a lagging ledger cannot be forced on a real peer: those tests are skipped).
 *
 *   STEADFAST_FABRIC_PEERS        host:port=tlsHostName,… (the name is the TLS SAN; optional)
 *   STEADFAST_FABRIC_TLS_ROOT_CERT  path of the peers' TLS CA certificate (PEM); unset = plaintext
 *   STEADFAST_FABRIC_MSP_ID       client MSP id (default Org1MSP)
 *   STEADFAST_FABRIC_CERT         path of the client certificate (PEM)
 *   STEADFAST_FABRIC_KEY          path of the client private key (PEM)
 *   STEADFAST_FABRIC_CHANNEL      channel (default mychannel)
 *   STEADFAST_FABRIC_CHAINCODE    asset-transfer-basic chaincode name (default basic)
 */
import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { hash, type Identity, type Signer, signers } from '@hyperledger/fabric-gateway'
import type { FabricPeerConfig } from '@steadfast/fabric'
import {
  type FabricLedgerView,
  type FaultMode,
  type FaultProxy,
  startFabricNetwork,
  startFaultProxy,
} from '@steadfast/testkit'

/** Faults a test can inject into peer `i`. */
export interface PeerFaults {
  /** Gone: connections refused, open calls dropped. */
  kill(): Promise<void>
  /** Back after `kill`. */
  restart(): Promise<void>
  /** Accepts connections, answers nothing. */
  hang(): Promise<void>
  resume(): Promise<void>
  /** Every call answered UNAVAILABLE (testkit) or reset (real peers). */
  setUnavailable(on: boolean): Promise<void>
  /** Holds back new blocks; undefined where it cannot be forced. */
  setLag: ((on: boolean) => void) | undefined
  /** Current height of this peer, where known. */
  height: (() => number) | undefined
  /** Ends every open event stream of the peer (UNAVAILABLE, or a reset for real peers). */
  dropStreams(): Promise<void>
  /** Switches the peer's fault proxy (slow answers, cut streams, …). */
  setProxyMode(mode: FaultMode): Promise<void>
  /** TCP connections accepted so far by the peer's proxy. */
  connections: (() => number) | undefined
}

export interface FabricTarget {
  readonly external: boolean
  readonly peers: FabricPeerConfig[]
  readonly faults: PeerFaults[]
  readonly identity: Identity
  readonly signer: Signer
  /** The client private key (PEM), for child processes. */
  readonly privateKeyPem: string
  readonly hash: typeof hash.sha256
  readonly channelName: string
  readonly chaincodeName: string
  /** The shared ledger (testkit only). */
  readonly ledger: (() => FabricLedgerView) | undefined
  close(): Promise<void>
}

/**
 * Asset ids unique to this run: real peers keep their ledger between runs (and the test files
 * of one run share it), so every test names its assets with this prefix.
 */
export function assetId(name: string): string {
  return `${RUN}-${name}`
}
const RUN = `t${Date.now().toString(36)}${process.pid.toString(36)}`

/** The connectFailover options every test starts from: the target's peers and identity. */
export function baseOptions(target: FabricTarget) {
  return {
    peers: target.peers,
    identity: target.identity,
    signer: target.signer,
    hash: target.hash,
    channelName: target.channelName,
  }
}

/** Starts (or connects to) the Fabric peers the tests run against. */
export async function startFabricTarget(count = 3): Promise<FabricTarget> {
  const env = process.env.STEADFAST_FABRIC_PEERS
  return env ? externalTarget(env) : testkitTarget(count)
}

async function testkitTarget(count: number): Promise<FabricTarget> {
  const network = await startFabricNetwork({ peers: count, tls: true })
  return {
    external: false,
    peers: network.peers.map((peer) => ({
      address: peer.address,
      id: peer.hostName,
      serverNameOverride: peer.hostName,
      ...(network.tlsRootCert ? { tlsRootCert: network.tlsRootCert } : {}),
    })),
    faults: network.peers.map((peer) => ({
      kill: () => peer.kill(),
      restart: () => peer.restart(),
      hang: () => peer.pause(),
      resume: () => peer.resume(),
      setUnavailable: async (on) => peer.setUnavailable(on),
      setLag: (on) => peer.setLag(on),
      height: () => peer.height(),
      connections: () => peer.proxy.stats().connections,
      setProxyMode: (mode) => peer.proxy.setMode(mode),
      dropStreams: async () => {
        peer.dropStreams()
      },
    })),
    identity: { mspId: network.client.mspId, credentials: network.client.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
    privateKeyPem: network.client.privateKey.toString(),
    hash: hash.sha256,
    channelName: network.channelName,
    chaincodeName: network.chaincodeName,
    ledger: () => network.ledger(),
    close: () => network.close(),
  }
}

async function externalTarget(list: string): Promise<FabricTarget> {
  const env = process.env
  const read = (name: string): Buffer => {
    const path = env[name]
    if (!path) throw new Error(`${name} must be set with STEADFAST_FABRIC_PEERS`)
    return readFileSync(path)
  }
  const tlsRootCert = env.STEADFAST_FABRIC_TLS_ROOT_CERT
    ? readFileSync(env.STEADFAST_FABRIC_TLS_ROOT_CERT)
    : undefined
  const proxies: FaultProxy[] = []
  const peers: FabricPeerConfig[] = []
  for (const item of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address = '', hostName] = item.split('=')
    const [host = '', port = ''] = address.split(/:(?=\d+$)/)
    const proxy = await startFaultProxy({ target: { host, port: Number(port) } })
    proxies.push(proxy)
    peers.push({
      address: `127.0.0.1:${proxy.port}`,
      id: hostName ?? address,
      serverNameOverride: hostName ?? host,
      ...(tlsRootCert ? { tlsRootCert } : {}),
    })
  }
  return {
    external: true,
    peers,
    faults: proxies.map((proxy) => ({
      kill: () => proxy.setMode({ kind: 'down' }),
      restart: () => proxy.setMode({ kind: 'pass' }),
      hang: () => proxy.setMode({ kind: 'hang' }),
      resume: () => proxy.setMode({ kind: 'pass' }),
      setUnavailable: (on) => proxy.setMode({ kind: on ? 'reset' : 'pass' }),
      setLag: undefined,
      height: undefined,
      connections: () => proxy.stats().connections,
      setProxyMode: (mode) => proxy.setMode(mode),
      dropStreams: async () => {
        await proxy.setMode({ kind: 'reset' })
        await proxy.setMode({ kind: 'pass' })
      },
    })),
    identity: {
      mspId: env.STEADFAST_FABRIC_MSP_ID ?? 'Org1MSP',
      credentials: read('STEADFAST_FABRIC_CERT'),
    },
    signer: signers.newPrivateKeySigner(createPrivateKey(read('STEADFAST_FABRIC_KEY'))),
    privateKeyPem: read('STEADFAST_FABRIC_KEY').toString(),
    hash: hash.sha256,
    channelName: env.STEADFAST_FABRIC_CHANNEL ?? 'mychannel',
    chaincodeName: env.STEADFAST_FABRIC_CHAINCODE ?? 'basic',
    ledger: undefined,
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()))
    },
  }
}
