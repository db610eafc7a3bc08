import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { DemoConfigError } from '../demo-error.js'
import type {
  DemoConfig,
  EndpointEntry,
  EvmConfig,
  FabricConfig,
  FabricPeerConfig,
  IpfsConfig,
  MonitorConfig,
} from './demo-config.js'

type Obj = Record<string, unknown>

/**
 * Checks a parsed config document field by field and returns it typed, with file paths made
 * absolute against `baseDir`. The first problem throws a `DemoConfigError` naming the field
 * (`fabric.peers[1].tlsRootCertPath`), never a crash deeper in the demo.
 */
export function validateDemoConfig(raw: unknown, baseDir: string): DemoConfig {
  const root = object(raw, '(root)')
  known(root, '', ['evm', 'fabric', 'ipfs', 'monitor'])
  if (root.evm === undefined && root.fabric === undefined && root.ipfs === undefined) {
    throw new DemoConfigError('(root)', 'describes no endpoint set: add evm, fabric or ipfs')
  }
  const config: DemoConfig = {}
  if (root.evm !== undefined) config.evm = evm(root.evm)
  if (root.fabric !== undefined) config.fabric = fabric(root.fabric, baseDir)
  if (root.ipfs !== undefined) config.ipfs = ipfs(root.ipfs)
  if (root.monitor !== undefined) config.monitor = monitor(root.monitor)
  return config
}

function evm(raw: unknown): EvmConfig {
  const o = object(raw, 'evm')
  known(o, 'evm', ['endpoints', 'chainId', 'privateKey'])
  const privateKey = string(o.privateKey, 'evm.privateKey')
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(privateKey)) {
    // Never echo the value: it is a secret even when malformed.
    throw new DemoConfigError(
      'evm.privateKey',
      'must be 32 bytes of hex (64 hex digits, 0x optional)',
    )
  }
  const out: EvmConfig = { endpoints: endpoints(o.endpoints, 'evm.endpoints'), privateKey }
  if (o.chainId !== undefined) out.chainId = integer(o.chainId, 'evm.chainId', 1)
  return out
}

function fabric(raw: unknown, baseDir: string): FabricConfig {
  const o = object(raw, 'fabric')
  known(o, 'fabric', [
    'peers',
    'mspId',
    'certificatePath',
    'privateKeyPath',
    'channel',
    'chaincode',
  ])
  const peers = nonEmptyArray(o.peers, 'fabric.peers').map((p, i) =>
    peer(p, `fabric.peers[${i}]`, baseDir),
  )
  const out: FabricConfig = {
    peers,
    mspId: string(o.mspId, 'fabric.mspId'),
    certificatePath: file(o.certificatePath, 'fabric.certificatePath', baseDir),
    privateKeyPath: file(o.privateKeyPath, 'fabric.privateKeyPath', baseDir),
  }
  if (o.channel !== undefined) out.channel = string(o.channel, 'fabric.channel')
  if (o.chaincode !== undefined) out.chaincode = string(o.chaincode, 'fabric.chaincode')
  return out
}

function peer(raw: unknown, field: string, baseDir: string): FabricPeerConfig {
  const o = object(raw, field)
  known(o, field, ['address', 'tlsRootCertPath', 'serverNameOverride'])
  const address = string(o.address, `${field}.address`)
  if (!/^[^\s:/]+:\d{1,5}$/.test(address)) {
    throw new DemoConfigError(
      `${field}.address`,
      `must be host:port, got ${JSON.stringify(address)}`,
    )
  }
  const out: FabricPeerConfig = {
    address,
    tlsRootCertPath: file(o.tlsRootCertPath, `${field}.tlsRootCertPath`, baseDir),
  }
  if (o.serverNameOverride !== undefined) {
    out.serverNameOverride = string(o.serverNameOverride, `${field}.serverNameOverride`)
  }
  return out
}

function ipfs(raw: unknown): IpfsConfig {
  const o = object(raw, 'ipfs')
  known(o, 'ipfs', ['endpoints'])
  return { endpoints: endpoints(o.endpoints, 'ipfs.endpoints') }
}

function monitor(raw: unknown): MonitorConfig {
  const o = object(raw, 'monitor')
  known(o, 'monitor', ['port', 'host', 'token'])
  const out: MonitorConfig = {}
  if (o.port !== undefined) out.port = integer(o.port, 'monitor.port', 0, 65535)
  if (o.host !== undefined) out.host = string(o.host, 'monitor.host')
  if (o.token !== undefined) {
    out.token = string(o.token, 'monitor.token')
    if (out.token.length < 16)
      throw new DemoConfigError('monitor.token', 'must be at least 16 characters')
  }
  return out
}

function endpoints(raw: unknown, field: string): EndpointEntry[] {
  const list = nonEmptyArray(raw, field)
  const seen = new Set<string>()
  return list.map((e, i) => {
    const f = `${field}[${i}]`
    const entry = endpoint(e, f)
    const url = typeof entry === 'string' ? entry : entry.url
    if (seen.has(url)) throw new DemoConfigError(f, 'duplicates an earlier endpoint')
    seen.add(url)
    return entry
  })
}

function endpoint(raw: unknown, field: string): EndpointEntry {
  if (typeof raw === 'string') return url(raw, field)
  const o = object(raw, field, 'a URL string or an object with url')
  known(o, field, ['url', 'id', 'priority', 'weight', 'headers'])
  const out: Exclude<EndpointEntry, string> = { url: url(o.url, `${field}.url`) }
  if (o.id !== undefined) out.id = string(o.id, `${field}.id`)
  if (o.priority !== undefined) out.priority = integer(o.priority, `${field}.priority`, 0)
  if (o.weight !== undefined) {
    const w = o.weight
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      throw new DemoConfigError(`${field}.weight`, `must be a number > 0, got ${show(w)}`)
    }
    out.weight = w
  }
  if (o.headers !== undefined) {
    const h = object(o.headers, `${field}.headers`)
    for (const [k, v] of Object.entries(h)) string(v, `${field}.headers.${k}`)
    out.headers = h as Record<string, string>
  }
  return out
}

function url(raw: unknown, field: string): string {
  const s = string(raw, field)
  let parsed: URL
  try {
    parsed = new URL(s)
  } catch {
    throw new DemoConfigError(field, 'is not a valid URL')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DemoConfigError(field, `must be http: or https:, got ${parsed.protocol}`)
  }
  return s
}

function file(raw: unknown, field: string, baseDir: string): string {
  const p = string(raw, field)
  const abs = isAbsolute(p) ? p : resolve(baseDir, p)
  if (!existsSync(abs)) throw new DemoConfigError(field, `file not found: ${abs}`)
  return abs
}

function object(raw: unknown, field: string, expected = 'an object'): Obj {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DemoConfigError(field, `must be ${expected}, got ${show(raw)}`)
  }
  return raw as Obj
}

function nonEmptyArray(raw: unknown, field: string): unknown[] {
  if (!Array.isArray(raw)) throw new DemoConfigError(field, `must be a list, got ${show(raw)}`)
  if (raw.length === 0) throw new DemoConfigError(field, 'must list at least one entry')
  return raw
}

function string(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new DemoConfigError(field, `must be a non-empty string, got ${show(raw)}`)
  }
  return raw
}

function integer(raw: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new DemoConfigError(
      field,
      `must be an integer between ${min} and ${max}, got ${show(raw)}`,
    )
  }
  return raw
}

function known(o: Obj, prefix: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      const field = prefix ? `${prefix}.${k}` : k
      throw new DemoConfigError(field, `unknown field (expected one of ${keys.join(', ')})`)
    }
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (Array.isArray(v)) return 'a list'
  if (v === null) return 'null'
  return typeof v === 'object' ? 'an object' : JSON.stringify(v)
}
