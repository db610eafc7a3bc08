import { validateHeaderName, validateHeaderValue } from 'node:http'
import {
  ConfigError,
  checkBoolean,
  checkNumber,
  checkOneOf,
  checkString,
  checkStringMap,
  checkUrl,
  isRecord,
  optObject,
} from '@steadfast/core'
import { Network, type Networkish } from 'ethers'
import type { FailoverEndpoint, FailoverProviderOptions } from './options.js'
import { ETHERS_KEYS, PRESETS } from './options.js'

const HTTP = ['http:', 'https:'] as const
const KNOWN = [
  ...ETHERS_KEYS,
  'preset',
  'policy',
  'name',
  'chainId',
  'probeIntervalMs',
  'probeTimeoutMs',
  'probe',
  'attemptTimeoutMs',
  'deadlineMs',
  'maxAttempts',
  'hedge',
  'maxLag',
  'failbackAfterMs',
  'outlier',
  'shouldFailover',
  'rebroadcastAfterMs',
  'propagationGraceMs',
  'maxResponseBytes',
  'maxSockets',
  'headers',
  'random',
] satisfies (keyof FailoverProviderOptions)[]
const positive = { above: 0 }
const count = { min: 1, integer: true }

/**
 * Headers sent over HTTP: a name Node would refuse (or a value with a line break) would throw a
 * bare TypeError at the first call, so it is refused here. Values are never echoed (secrets).
 */
export function checkHeaders(path: string, v: unknown): Readonly<Record<string, string>> {
  const headers = checkStringMap(path, v)
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name)
    } catch {
      throw new ConfigError(`${path}.${name}`, name, 'is not a valid HTTP header name')
    }
    try {
      validateHeaderValue(name, value)
    } catch {
      throw new ConfigError(`${path}.${name}`, '***', 'has a character not allowed in a header')
    }
  }
  return headers
}

function opt(o: Record<string, unknown>, key: string, check: (v: unknown) => unknown): void {
  if (o[key] !== undefined) check(o[key])
}

/**
 * Checks the endpoint list before anything is built (ethers' own constructor would crash on a
 * non-string url): each is an http(s) URL string or an object with an http(s) `url`; `tessera` is an
 * http(s) URL and `headers` valid HTTP headers. Core checks the rest (URL, weight, ids …).
 */
export function checkEndpoints(endpoints: unknown): readonly FailoverEndpoint[] {
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    throw new ConfigError(
      'endpoints',
      endpoints,
      'must be a non-empty array of URLs or endpoint objects',
    )
  }
  endpoints.forEach((e: unknown, i) => {
    const path = `endpoints[${i}]`
    // JSON-RPC over HTTP only: a ws:// URL would get plain HTTP requests.
    if (typeof e === 'string') {
      checkUrl(path, e, HTTP)
      return
    }
    if (!isRecord(e)) throw new ConfigError(path, e, 'must be a URL string or an object')
    checkUrl(`${path}.url`, e.url, HTTP)
    opt(e, 'tessera', (v) => checkUrl(`${path}.tessera`, v, HTTP))
    opt(e, 'headers', (v) => checkHeaders(`${path}.headers`, v))
  })
  return endpoints as readonly FailoverEndpoint[]
}

/** `chainId` is a fallback: a network (argument or `staticNetwork`) that says otherwise wins silently, so a conflict is refused. */
function checkChainId(v: unknown, network: Networkish | undefined, staticNetwork: unknown): void {
  const ok =
    (typeof v === 'bigint' && v > 0n) || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0)
  if (!ok) throw new ConfigError('chainId', v, 'must be a positive integer (number or bigint)')
  const given =
    network != null && network !== 'any'
      ? Network.from(network)
      : staticNetwork instanceof Network
        ? staticNetwork
        : undefined
  if (given !== undefined && given.chainId !== BigInt(v as number | bigint)) {
    throw new ConfigError('chainId', v, `differs from the network's chainId ${given.chainId}`)
  }
}

function checkProbe(v: unknown): void {
  const p = optObject('probe', v, ['minPeers', 'consensus', 'requireValidator', 'tessera'])
  opt(p, 'minPeers', (x) => checkNumber('probe.minPeers', x, { min: 0, integer: true }))
  opt(p, 'consensus', (x) => checkOneOf('probe.consensus', x, ['raft', 'istanbul', 'qbft']))
  opt(p, 'requireValidator', (x) => checkBoolean('probe.requireValidator', x))
  opt(p, 'tessera', (x) => {
    const urls = checkStringMap('probe.tessera', x)
    for (const [id, url] of Object.entries(urls)) checkUrl(`probe.tessera.${id}`, url, HTTP)
  })
}

function checkHedge(v: unknown): void {
  // The fields are checked by core (`hedge.delayMs`, `hedge.max`); here only the shape.
  if (v !== false && !isRecord(v)) {
    throw new ConfigError('hedge', v, 'must be false or { delayMs?, max? }')
  }
}

/** ethers' JsonRpcApiProviderOptions: ethers itself checks none of them. */
function checkEthersOptions(o: Record<string, unknown>, network: Networkish | undefined): void {
  opt(o, 'polling', (v) => checkBoolean('polling', v))
  opt(o, 'batchStallTime', (v) => checkNumber('batchStallTime', v))
  opt(o, 'batchMaxSize', (v) => checkNumber('batchMaxSize', v, count))
  opt(o, 'batchMaxCount', (v) => checkNumber('batchMaxCount', v, count))
  // Negative disables ethers' cache.
  opt(o, 'cacheTimeout', (v) => checkNumber('cacheTimeout', v, { min: Number.NEGATIVE_INFINITY }))
  opt(o, 'pollingInterval', (v) => checkNumber('pollingInterval', v, positive))
  const s = o.staticNetwork
  if (s === undefined || s === null || s === false) return
  if (s === true) {
    if (network === 'any') throw new ConfigError('staticNetwork', s, "cannot be used with 'any'")
    return
  }
  if (!(s instanceof Network)) {
    throw new ConfigError('staticNetwork', s, 'must be a boolean or an ethers Network')
  }
  if (network != null && !s.matches(network)) {
    throw new ConfigError('staticNetwork', s.name, 'does not match the network argument')
  }
}

/** `pin({ endpoint })`: the id of one of the provider's replicas (a typo would pin nothing). */
export function checkPinOptions(options: unknown, endpoints: readonly { id: string }[]): void {
  if (!isRecord(options)) throw new ConfigError('pin', options, 'options must be an object')
  const id = options.endpoint
  if (id === undefined) return
  checkString('pin.endpoint', id)
  if (!endpoints.some((e) => e.id === id)) {
    throw new ConfigError('pin.endpoint', id, 'is not the id of an endpoint of this provider')
  }
}

/**
 * Checks every option core does not check itself (core checks policy, name, maxLag,
 * attemptTimeoutMs, deadlineMs, maxAttempts, failbackAfterMs, outlier, shouldFailover, random and
 * the hedge fields). Throws ConfigError naming the option.
 */
export function checkProviderOptions(
  options: unknown,
  network: Networkish | undefined,
): FailoverProviderOptions {
  if (options === undefined || options === null) return {}
  if (!isRecord(options)) throw new ConfigError('options', options, 'must be an object')
  // Unknown keys reach nothing (ethers gets only its own, listed): a typo is refused, not ignored.
  const o = optObject('', options, KNOWN)
  opt(o, 'preset', (v) => checkOneOf('preset', v, Object.keys(PRESETS)))
  opt(o, 'probeIntervalMs', (v) => checkNumber('probeIntervalMs', v, positive))
  opt(o, 'probeTimeoutMs', (v) => checkNumber('probeTimeoutMs', v, positive))
  opt(o, 'probe', checkProbe)
  opt(o, 'hedge', checkHedge)
  opt(o, 'rebroadcastAfterMs', (v) => checkNumber('rebroadcastAfterMs', v, positive))
  opt(o, 'propagationGraceMs', (v) => checkNumber('propagationGraceMs', v))
  opt(o, 'maxResponseBytes', (v) => checkNumber('maxResponseBytes', v, count))
  opt(o, 'maxSockets', (v) => checkNumber('maxSockets', v, count))
  opt(o, 'headers', (v) => checkHeaders('headers', v))
  checkEthersOptions(o, network)
  opt(o, 'chainId', (v) => checkChainId(v, network, o.staticNetwork))
  return o as FailoverProviderOptions
}
