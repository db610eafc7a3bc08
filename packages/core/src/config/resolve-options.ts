import type { Discovery } from '../discovery/discovery.js'
import type { DnsDiscoveryOptions } from '../discovery/dns.js'
import { isDnsUrl, mixedDiscovery, parseDnsUrl } from '../discovery/dns-url.js'
import { ConfigError } from '../errors/config-error.js'
import { createPolicy, type PolicyName, policies } from '../policies/create-policy.js'
import type { Policy } from '../policies/policy.js'
import type { Endpoint, Probe, ShouldFailover } from '../types.js'
import { checkFunction, checkString, isRecord, optNumber, optObject, prop } from './check.js'
import { normalizeEndpoint, normalizeEndpoints } from './normalize-endpoint.js'

/** Every option with its default applied. */
export interface ResolvedOptions {
  name: string
  endpoints: Endpoint[]
  policy: Policy
  probe: Probe | undefined
  health: { intervalMs: number; timeoutMs: number; jitter: number; rise: number; fall: number }
  outlier: {
    consecutiveFailures: number
    baseEjectionMs: number
    maxEjectionMs: number
    maxEjectionPercent: number
    failureRate: number
    minRequests: number
    windowMs: number
  }
  maxLag: number
  failbackAfterMs: number
  shouldFailover: ShouldFailover
  attemptTimeoutMs: number
  deadlineMs: number
  maxAttempts: number | undefined
  hedge: { delayMs: number | 'adaptive'; max: number } | undefined
  backoff: { baseMs: number; maxMs: number }
  random: () => number
  now: () => number
  discovery: Discovery | undefined
}

const positive = { above: 0 }
const count = { min: 1, integer: true }

function resolvePolicy(v: unknown): Policy {
  if (v === undefined) return createPolicy('priority')
  if (typeof v === 'string') {
    if (!Object.hasOwn(policies, v)) {
      throw new ConfigError('policy', v, `is not one of ${Object.keys(policies).join(', ')}`)
    }
    return createPolicy(v as PolicyName)
  }
  if (!isRecord(v) || typeof v.build !== 'function') {
    throw new ConfigError('policy', v, 'must be a policy name or a Policy object')
  }
  return v as unknown as Policy
}

function resolveHealth(v: unknown): ResolvedOptions['health'] {
  const h = optObject('health', v, ['intervalMs', 'timeoutMs', 'jitter', 'rise', 'fall'])
  return {
    intervalMs: optNumber('health.intervalMs', h.intervalMs, 5_000, positive),
    timeoutMs: optNumber('health.timeoutMs', h.timeoutMs, 2_000, positive),
    jitter: optNumber('health.jitter', h.jitter, 0.1, { max: 1 }),
    rise: optNumber('health.rise', h.rise, 2, count),
    fall: optNumber('health.fall', h.fall, 3, count),
  }
}

function resolveOutlier(v: unknown): ResolvedOptions['outlier'] {
  const keys = [
    'consecutiveFailures',
    'baseEjectionMs',
    'maxEjectionMs',
    'maxEjectionPercent',
    'failureRate',
    'minRequests',
    'windowMs',
  ]
  const o = optObject('outlier', v, keys)
  const base = optNumber('outlier.baseEjectionMs', o.baseEjectionMs, 30_000, positive)
  const max = optNumber('outlier.maxEjectionMs', o.maxEjectionMs, Math.max(300_000, base), positive)
  if (max < base) throw new ConfigError('outlier.maxEjectionMs', max, 'must be >= baseEjectionMs')
  return {
    consecutiveFailures: optNumber('outlier.consecutiveFailures', o.consecutiveFailures, 5, count),
    baseEjectionMs: base,
    maxEjectionMs: max,
    maxEjectionPercent: optNumber('outlier.maxEjectionPercent', o.maxEjectionPercent, 50, {
      max: 100,
    }),
    failureRate: optNumber('outlier.failureRate', o.failureRate, 0.5, { above: 0, max: 1 }),
    minRequests: optNumber('outlier.minRequests', o.minRequests, 20, count),
    windowMs: optNumber('outlier.windowMs', o.windowMs, 10_000, positive),
  }
}

function resolveHedge(v: unknown): ResolvedOptions['hedge'] {
  if (v === undefined) return undefined
  const h = optObject('hedge', v, ['delayMs', 'max'])
  const delayMs =
    h.delayMs === 'adaptive' || h.delayMs === undefined
      ? 'adaptive'
      : optNumber('hedge.delayMs', h.delayMs, 0)
  return { delayMs, max: optNumber('hedge.max', h.max, 2, { min: 2, integer: true }) }
}

function resolveBackoff(v: unknown): ResolvedOptions['backoff'] {
  const b = optObject('backoff', v, ['baseMs', 'maxMs'])
  const baseMs = optNumber('backoff.baseMs', b.baseMs, 100)
  const maxMs = optNumber('backoff.maxMs', b.maxMs, Math.max(2_000, baseMs))
  if (maxMs < baseMs) throw new ConfigError('backoff.maxMs', maxMs, 'must be >= backoff.baseMs')
  return { baseMs, maxMs }
}

function fn<F>(path: string, v: unknown, def: F): F {
  return v === undefined ? def : checkFunction<F>(path, v)
}

function resolveDiscovery(v: unknown): Discovery | undefined {
  if (v === undefined) return undefined
  if (!isRecord(v) || typeof v.resolve !== 'function') {
    throw new ConfigError('discovery', v, 'must be a Discovery ({ resolve(signal) })')
  }
  optNumber('discovery.intervalMs', prop(v, 'intervalMs', 'discovery.intervalMs'), 1, positive)
  return v as unknown as Discovery
}

/**
 * Separates `dns+` URLs (resolved by a mixed discovery) from static endpoints. Static entries
 * stay in place (and are validated with their original index); non-arrays pass through.
 */
function splitDnsEndpoints(list: unknown): { statics: unknown; discovery?: Discovery } {
  if (!Array.isArray(list)) return { statics: list }
  const names: DnsDiscoveryOptions[] = []
  const statics: unknown[] = []
  for (const [i, input] of (list as unknown[]).entries()) {
    const url = isRecord(input) ? prop(input, 'url', `endpoints[${i}].url`) : input
    if (!isDnsUrl(url)) {
      statics.push(input)
      continue
    }
    const { url: _url, id: _id, ...template } = isRecord(input) ? input : {}
    // The shared fields are checked now: a bad weight must not be dropped silently later.
    normalizeEndpoint({ ...template, url: 'http://dns.invalid:1' }, i, `endpoints[${i}]`)
    names.push(parseDnsUrl(url, `endpoints[${i}].url`, template as never))
  }
  if (names.length === 0) return { statics: list }
  // Validate the static part at once (indexes shift, field paths use the static position).
  normalizeEndpoints(statics, 'endpoints', true)
  return { statics, discovery: mixedDiscovery(statics as never, names) }
}

/** Validates every field of EndpointSetOptions; throws ConfigError (with the field path) only. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (!isRecord(input)) throw new ConfigError('options', input, 'must be an object')
  const get = (key: string) => prop(input, key, key)
  const dns = splitDnsEndpoints(get('endpoints'))
  const explicit = resolveDiscovery(get('discovery'))
  if (explicit && dns.discovery) {
    throw new ConfigError('discovery', '[discovery]', 'cannot be combined with dns+ endpoint URLs')
  }
  const discovery = explicit ?? dns.discovery
  const name = get('name')
  const maxAttempts = get('maxAttempts')
  return {
    name: name === undefined ? 'default' : checkString('name', name),
    endpoints: normalizeEndpoints(dns.statics ?? [], 'endpoints', discovery !== undefined),
    policy: resolvePolicy(get('policy')),
    probe: fn<Probe | undefined>('probe', get('probe'), undefined),
    health: resolveHealth(get('health')),
    outlier: resolveOutlier(get('outlier')),
    maxLag: optNumber('maxLag', get('maxLag'), 5),
    failbackAfterMs: optNumber('failbackAfterMs', get('failbackAfterMs'), 30_000),
    shouldFailover: fn<ShouldFailover>('shouldFailover', get('shouldFailover'), () => 'retryable'),
    attemptTimeoutMs: optNumber('attemptTimeoutMs', get('attemptTimeoutMs'), 10_000, positive),
    deadlineMs: optNumber('deadlineMs', get('deadlineMs'), 30_000, positive),
    maxAttempts:
      maxAttempts === undefined ? undefined : optNumber('maxAttempts', maxAttempts, 1, count),
    hedge: resolveHedge(get('hedge')),
    backoff: resolveBackoff(get('backoff')),
    random: fn('random', get('random'), Math.random),
    now: fn('now', get('now'), Date.now),
    discovery,
  }
}
