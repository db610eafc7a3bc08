import { createPrivateKey, X509Certificate } from 'node:crypto'
import {
  ConfigError,
  checkFunction,
  checkNumber,
  checkString,
  checkStringMap,
  checkUrl,
  isRecord,
  optObject,
} from '@steadfast/core'
import type { FabricPeerConfig, FailoverConnectOptions } from './failover-options.js'

const PEER_KEYS = [
  'address',
  'id',
  'tlsRootCert',
  'tlsClientCert',
  'tlsClientKey',
  'serverNameOverride',
  'headers',
  'priority',
  'weight',
  'healthzUrl',
  'grpcOptions',
  'labels',
] as const

/** fabric-gateway's per-kind call-option factories (`() => CallOptions`). */
const CALL_OPTION_KEYS = [
  'evaluateOptions',
  'endorseOptions',
  'submitOptions',
  'commitStatusOptions',
  'chaincodeEventsOptions',
  'blockEventsOptions',
  'filteredBlockEventsOptions',
  'blockAndPrivateDataEventsOptions',
] as const

/** Every top-level option: an unknown key reaches nothing, so a typo is refused, not ignored. */
const KNOWN = [
  ...CALL_OPTION_KEYS,
  'peers',
  'identity',
  'signer',
  'hash',
  'tlsClientCertificateHash',
  'channelName',
  'policy',
  'deadlines',
  'shouldFailover',
  'probe',
  'health',
  'outlier',
  'maxLag',
  'commitStatusHedgeMs',
  'keepaliveMs',
  'maxConnectionAgeMs',
  'maxConnectionAgeJitter',
  'drainTimeoutMs',
  'name',
  'set',
] satisfies (keyof FailoverConnectOptions)[]

/** Set by connectFailover itself: the `set` escape hatch must not silently replace them. */
const SET_OWNED = ['endpoints', 'probe', 'shouldFailover']

const positive = { above: 0 }

function opt(o: Record<string, unknown>, key: string, check: (v: unknown) => unknown): void {
  if (o[key] !== undefined) check(o[key])
}

function bytes(path: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new ConfigError(path, v, 'must be a Buffer or Uint8Array')
  return v
}

/** A PEM the TLS handshake could never use is refused now, not at the first call. */
function checkTls(path: string, peer: Record<string, unknown>): void {
  const parse = (key: string, read: (b: Uint8Array) => unknown, what: string) => {
    if (peer[key] === undefined) return
    const b = bytes(`${path}.${key}`, peer[key])
    try {
      read(b)
    } catch {
      // Never the value: a key is a secret, and the bytes say nothing to a reader.
      throw new ConfigError(`${path}.${key}`, '[bytes]', `is not a PEM ${what}`)
    }
  }
  parse('tlsRootCert', (b) => new X509Certificate(b), 'certificate')
  parse('tlsClientCert', (b) => new X509Certificate(b), 'certificate')
  parse('tlsClientKey', (b) => createPrivateKey({ key: Buffer.from(b), format: 'pem' }), 'key')
  const cert = peer.tlsClientCert !== undefined
  const key = peer.tlsClientKey !== undefined
  if (cert !== key) {
    const missing = cert ? 'tlsClientKey' : 'tlsClientCert'
    throw new ConfigError(
      `${path}.${missing}`,
      undefined,
      'is required with the other (mutual TLS)',
    )
  }
  if (cert && peer.tlsRootCert === undefined) {
    throw new ConfigError(`${path}.tlsRootCert`, undefined, 'is required for mutual TLS')
  }
}

/**
 * gRPC metadata: grpc-js lower-cases keys and throws at call time for a key outside
 * [0-9a-z_.-], a `-bin` key with a string value, or a value outside printable ASCII.
 */
function checkMetadata(path: string, v: unknown): void {
  for (const [key, value] of Object.entries(checkStringMap(path, v))) {
    if (!/^[0-9a-z_.-]+$/.test(key.toLowerCase()) || key.toLowerCase().endsWith('-bin')) {
      throw new ConfigError(`${path}.${key}`, key, 'is not a valid gRPC metadata key')
    }
    if (!/^[ -~]*$/.test(value)) {
      throw new ConfigError(`${path}.${key}`, '***', 'must be printable ASCII')
    }
  }
}

function checkGrpcOptions(path: string, v: unknown): void {
  if (!isRecord(v)) throw new ConfigError(path, v, 'must be an object of grpc-js channel options')
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new ConfigError(`${path}.${key}`, value, 'must be a string or a finite number')
    }
  }
}

function checkPeer(peer: unknown, i: number): void {
  const path = `peers[${i}]`
  if (!isRecord(peer)) throw new ConfigError(path, peer, 'must be an object { address, … }')
  const p = optObject(path, peer, PEER_KEYS)
  // No userinfo: a gRPC address has none, and a password there would end up in ids and status.
  if (typeof p.address !== 'string' || !/^[^\s/@]+:\d+$/.test(p.address)) {
    throw new ConfigError(
      `${path}.address`,
      p.address,
      'must be host:port (credentials belong in headers)',
    )
  }
  opt(p, 'id', (v) => checkString(`${path}.id`, v))
  opt(p, 'serverNameOverride', (v) => checkString(`${path}.serverNameOverride`, v))
  opt(p, 'priority', (v) => checkNumber(`${path}.priority`, v))
  opt(p, 'weight', (v) => checkNumber(`${path}.weight`, v, positive))
  opt(p, 'healthzUrl', (v) => checkUrl(`${path}.healthzUrl`, v, ['http:', 'https:']))
  opt(p, 'labels', (v) => checkStringMap(`${path}.labels`, v))
  opt(p, 'headers', (v) => checkMetadata(`${path}.headers`, v))
  opt(p, 'grpcOptions', (v) => checkGrpcOptions(`${path}.grpcOptions`, v))
  checkTls(path, p)
}

/** The peers: a non-empty array of valid peer configs. */
function checkPeers(peers: unknown): readonly FabricPeerConfig[] {
  if (!Array.isArray(peers) || peers.length === 0) {
    throw new ConfigError('peers', peers, 'must list at least one peer')
  }
  peers.forEach(checkPeer)
  return peers as readonly FabricPeerConfig[]
}

function checkIdentity(v: unknown): void {
  if (v === undefined) throw new ConfigError('identity', undefined, 'is required')
  if (!isRecord(v)) throw new ConfigError('identity', v, 'must be { mspId, credentials }')
  checkString('identity.mspId', v.mspId)
  bytes('identity.credentials', v.credentials)
}

function checkSet(v: unknown): void {
  if (v === undefined) return
  if (!isRecord(v)) throw new ConfigError('set', v, 'must be an object of endpoint-set options')
  for (const key of SET_OWNED) {
    if (v[key] !== undefined) {
      throw new ConfigError(`set.${key}`, '[set by connectFailover]', 'cannot be overridden here')
    }
  }
}

/**
 * Checks every option of `connectFailover` that core does not (core checks `policy`, `name`,
 * `maxLag`, `health`, `outlier` and `set.*`). Throws ConfigError naming the option.
 */
export function checkConnectOptions(options: unknown): FailoverConnectOptions {
  if (!isRecord(options)) throw new ConfigError('options', options, 'must be an object')
  const o = optObject('', options, KNOWN)
  checkPeers(o.peers)
  checkIdentity(o.identity)
  opt(o, 'signer', (v) => checkFunction('signer', v))
  opt(o, 'hash', (v) => checkFunction('hash', v))
  opt(o, 'tlsClientCertificateHash', (v) => bytes('tlsClientCertificateHash', v))
  for (const key of CALL_OPTION_KEYS) opt(o, key, (v) => checkFunction(key, v))
  opt(o, 'channelName', (v) => checkString('channelName', v))
  opt(o, 'shouldFailover', (v) => checkFunction('shouldFailover', v))
  opt(o, 'probe', (v) => checkFunction('probe', v))
  const deadlines = optObject('deadlines', o.deadlines, [
    'evaluateMs',
    'endorseMs',
    'submitMs',
    'commitStatusMs',
  ])
  for (const [key, v] of Object.entries(deadlines)) {
    if (v !== undefined) checkNumber(`deadlines.${key}`, v, positive)
  }
  opt(o, 'commitStatusHedgeMs', (v) => checkNumber('commitStatusHedgeMs', v))
  // Below 60000 is raised to 60000 (Fabric peers refuse faster pings), as documented.
  opt(o, 'keepaliveMs', (v) => checkNumber('keepaliveMs', v, positive))
  opt(o, 'maxConnectionAgeMs', (v) => checkNumber('maxConnectionAgeMs', v, positive))
  opt(o, 'maxConnectionAgeJitter', (v) => checkNumber('maxConnectionAgeJitter', v, { max: 1 }))
  opt(o, 'drainTimeoutMs', (v) => checkNumber('drainTimeoutMs', v))
  checkSet(o.set)
  return o as unknown as FailoverConnectOptions
}
