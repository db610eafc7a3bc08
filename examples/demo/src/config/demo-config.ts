/**
 * The shape of steadfast.config.(json|yaml): the user's own endpoint sets, one block per backend.
 *
 * ```yaml
 * evm:
 *   endpoints: [https://quorum-1.example:8545, { url: https://quorum-2.example:8545, priority: 1 }]
 *   chainId: 1337
 *   privateKey: ${DEMO_PRIVATE_KEY}   # a funded account; ${VAR} reads the environment
 * fabric:
 *   channel: mychannel
 *   chaincode: basic
 *   mspId: Org1MSP
 *   certificatePath: ./org1/user/cert.pem
 *   privateKeyPath: ./org1/user/key.pem
 *   peers:
 *     - { address: peer0.org1.example.com:7051, tlsRootCertPath: ./org1/tlsca.pem }
 * ipfs:
 *   endpoints: [http://ipfs-0:5001, http://ipfs-1:5001]
 * monitor: { port: 9464, token: ${STEADFAST_TOKEN} }
 * ```
 */
export interface DemoConfig {
  evm?: EvmConfig
  fabric?: FabricConfig
  ipfs?: IpfsConfig
  monitor?: MonitorConfig
}

/** An endpoint: a URL, or an object with the core's per-endpoint options. */
export type EndpointEntry =
  | string
  | {
      url: string
      id?: string
      priority?: number
      weight?: number
      headers?: Record<string, string>
    }

export interface EvmConfig {
  endpoints: EndpointEntry[]
  /** Expected chain id; replicas answering another one are quarantined. */
  chainId?: number
  /** Hex private key of a funded account that sends the demo's transactions. */
  privateKey: string
}

export interface FabricPeerConfig {
  /** host:port of the peer's gateway service. */
  address: string
  /** PEM file of the peer's TLS root CA. */
  tlsRootCertPath: string
  /** TLS server name when it differs from the host in `address`. */
  serverNameOverride?: string
}

export interface FabricConfig {
  peers: FabricPeerConfig[]
  mspId: string
  /** PEM file of the client identity's certificate. */
  certificatePath: string
  /** PEM file of the client identity's private key. */
  privateKeyPath: string
  /** @default 'mychannel' */
  channel?: string
  /** An asset-transfer-basic compatible chaincode. @default 'basic' */
  chaincode?: string
}

export interface IpfsConfig {
  endpoints: EndpointEntry[]
}

export interface MonitorConfig {
  /** @default 0 (a free port) */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** Bearer token for the mutating routes. @default a random token printed at start */
  token?: string
}
