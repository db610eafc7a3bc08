import { ConfigError, type EndpointSet, optObject } from '@steadfast/core'
import type { FailoverKuboOptions } from './failover-kubo-options.js'

/** Every key `createFailoverKubo` reads: another one is a typo that would reach nothing. */
const KNOWN = [
  // The core endpoint set's options.
  'name',
  'endpoints',
  'policy',
  'probe',
  'health',
  'outlier',
  'maxLag',
  'failbackAfterMs',
  'shouldFailover',
  'attemptTimeoutMs',
  'deadlineMs',
  'maxAttempts',
  'hedge',
  'backoff',
  'random',
  'now',
  'discovery',
  // Kubo's own.
  'streamIdleTimeoutMs',
  'streamMinBytesPerSecond',
  'streamDeadlineMs',
  'maxResumes',
  'maxReplayBytes',
  'stickyEndpoint',
  'verifyCat',
  'onSubscriptionGap',
  'resubscribeRetryMs',
  'kubo',
  'set',
] satisfies (keyof FailoverKuboOptions)[]

/** The kubo-specific options, checked and with their defaults. */
export interface KuboSettings {
  readonly set: EndpointSet | undefined
  readonly idleTimeoutMs: number
  readonly minBytesPerSecond: number
  readonly streamDeadlineMs: number
  readonly maxResumes: number
  readonly maxReplayBytes: number
  readonly resubscribeRetryMs: number
  /** Verify `cat` of a bare CID up to this many bytes (0: off). */
  readonly verifyCatBytes: number
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

interface Rule {
  /** Values must be > 0 (else >= 0). */
  positive?: boolean
  integer?: boolean
  /** `Infinity` means "no limit" and is accepted. */
  infinite?: boolean
  /** A timer's delay: at most what `setTimeout` takes (larger ones fire at once). */
  timer?: boolean
}

/** Longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647

function num(field: string, v: unknown, def: number, rule: Rule = {}): number {
  if (v === undefined) return def
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ConfigError(field, v, 'must be a number')
  if (v === Number.POSITIVE_INFINITY && rule.infinite) return v
  if (!Number.isFinite(v)) throw new ConfigError(field, v, 'must be finite')
  if (rule.integer && !Number.isInteger(v)) throw new ConfigError(field, v, 'must be an integer')
  if (rule.positive ? !(v > 0) : !(v >= 0))
    throw new ConfigError(field, v, rule.positive ? 'must be > 0' : 'must be >= 0')
  if (rule.timer && v > MAX_TIMER_MS)
    throw new ConfigError(field, v, `must be <= ${MAX_TIMER_MS} (or Infinity where allowed)`)
  return v
}

function optFunction(field: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'function')
    throw new ConfigError(field, v, 'must be a function')
}

/** What an `EndpointSet` must offer here (a plain object or another value is a config bug). */
const SET_METHODS = ['execute', 'pick', 'reportSuccess', 'reportFailure', 'close'] as const

function checkSet(v: unknown): EndpointSet | undefined {
  if (v === undefined) return undefined
  const ok =
    isObject(v) &&
    Array.isArray(v.endpoints) &&
    SET_METHODS.every((name) => typeof v[name] === 'function')
  if (!ok) throw new ConfigError('set', v, 'must be an EndpointSet from createEndpointSet()')
  return v as unknown as EndpointSet
}

function checkProbe(v: unknown): void {
  if (v === undefined || v === false || typeof v === 'function') return
  if (!isObject(v)) throw new ConfigError('probe', v, 'must be a Probe, kuboProbe options or false')
  if (v.command !== undefined && v.command !== 'version' && v.command !== 'id')
    throw new ConfigError('probe.command', v.command, "must be 'version' or 'id'")
  num('probe.minPeers', v.minPeers, 0, { integer: true })
  num('probe.maxRepoSizeBytes', v.maxRepoSizeBytes, 0)
}

function verifyCatBytes(v: unknown): number {
  if (v === undefined || v === false) return 0
  if (v === true) return 64 * 1024 * 1024
  if (!isObject(v)) throw new ConfigError('verifyCat', v, 'must be a boolean or { maxBytes }')
  return num('verifyCat.maxBytes', v.maxBytes ?? Number.NaN, 0, { integer: true, positive: true })
}

/**
 * Checks the options `createFailoverKubo` handles itself (the core checks its own when it builds
 * the set): every bad value is a `ConfigError` naming its field, before anything starts.
 */
export function checkKuboOptions(options: FailoverKuboOptions): KuboSettings {
  if (!isObject(options)) throw new ConfigError('options', options, 'must be an object')
  // Unknown keys reach nothing: a typo (`attemptTimeoutMS`) is refused, not ignored.
  const o = optObject('', options, KNOWN) as Record<string, unknown>
  optFunction('shouldFailover', o.shouldFailover)
  optFunction('onSubscriptionGap', o.onSubscriptionGap)
  checkProbe(o.probe)
  if (o.stickyEndpoint !== undefined && typeof o.stickyEndpoint !== 'string')
    throw new ConfigError('stickyEndpoint', o.stickyEndpoint, 'must be an endpoint id or url')
  if (o.kubo !== undefined && !isObject(o.kubo))
    throw new ConfigError('kubo', o.kubo, 'must be an object of kubo-rpc-client options')
  return {
    set: checkSet(o.set),
    idleTimeoutMs: num('streamIdleTimeoutMs', o.streamIdleTimeoutMs, 15_000, {
      positive: true,
      timer: true,
    }),
    minBytesPerSecond: num('streamMinBytesPerSecond', o.streamMinBytesPerSecond, 1024),
    streamDeadlineMs: num('streamDeadlineMs', o.streamDeadlineMs, 3_600_000, {
      positive: true,
      infinite: true,
      timer: true,
    }),
    maxResumes: num('maxResumes', o.maxResumes, 5, { integer: true }),
    maxReplayBytes: num('maxReplayBytes', o.maxReplayBytes, 64 * 1024 * 1024, { integer: true }),
    resubscribeRetryMs: num('resubscribeRetryMs', o.resubscribeRetryMs, 1_000, {
      positive: true,
      timer: true,
    }),
    verifyCatBytes: verifyCatBytes(o.verifyCat),
  }
}
