import { ConfigError, checkBoolean, checkSignal, checkString, optObject } from '@steadfast/core'
import { type AlertMapper, labelRule } from './alert-label-mapping.js'
import {
  MONITOR_DEFAULTS,
  type MonitorHandlerOptions,
  type StartMonitorOptions,
} from './monitor-options.js'

/** Options with defaults applied, as the handler uses them. */
export interface ResolvedHandlerOptions {
  sets: MonitorHandlerOptions['sets']
  token: string | undefined
  requiredSets: readonly string[]
  bodyLimitBytes: number
  metricPrefix: string
  mapper: AlertMapper
  alertAction: 'cordon' | 'rebalance'
  allowedHosts: readonly string[] | undefined
}

/** Every option (startMonitor passes its own through): a typo such as `allowedHost` is refused. */
const KNOWN = [
  'sets',
  'token',
  'registry',
  'metricPrefix',
  'requiredSets',
  'bodyLimitBytes',
  'alertLabelMapping',
  'alertAction',
  'allowedHosts',
  'signal',
  'port',
  'host',
  'requestTimeoutMs',
] satisfies (keyof StartMonitorOptions)[]

const LABEL_KEYS = ['set', 'endpoint', 'instance', 'action', 'ttl'] as const

/** Label names of the default rule: known keys only (a typo would match nothing), non-empty. */
function checkLabelNames(m: unknown): void {
  const path = 'alertLabelMapping'
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw new ConfigError(path, m, 'must be label names or a function')
  }
  const names = optObject(path, m, [...LABEL_KEYS, 'hostOnly'])
  for (const key of LABEL_KEYS) {
    if (names[key] !== undefined) checkString(`${path}.${key}`, names[key])
  }
  if (names.hostOnly !== undefined) checkBoolean(`${path}.hostOnly`, names.hostOnly)
}

/** A prom-client Registry, duck-typed (the app may load its own copy of prom-client). */
function checkRegistry(r: unknown): void {
  if (r === undefined) return
  const methods = ['registerMetric', 'getMetricsAsArray', 'removeSingleMetric', 'metrics']
  const x = r as Record<string, unknown>
  if (typeof r !== 'object' || r === null || methods.some((k) => typeof x[k] !== 'function')) {
    throw new ConfigError('registry', r, 'must be a prom-client Registry')
  }
}

/** Validates handler options; throws core's `ConfigError` (code `INVALID_CONFIG`) naming the field. */
export function validateMonitorOptions(o: MonitorHandlerOptions): ResolvedHandlerOptions {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new ConfigError('options', o, 'must be an object')
  }
  optObject('', o, KNOWN)
  if (!Array.isArray(o.sets) || o.sets.length === 0) {
    throw new ConfigError('sets', o.sets, 'must be a non-empty array of endpoint sets')
  }
  const names = new Set<string>()
  o.sets.forEach((s, i) => {
    if (typeof s?.status !== 'function' || typeof s.on !== 'function') {
      throw new ConfigError(`sets[${i}]`, s, 'must be an EndpointSet')
    }
    if (names.has(s.name))
      throw new ConfigError(`sets[${i}].name`, s.name, 'is a duplicate set name')
    names.add(s.name)
  })
  if (o.token !== undefined) {
    // A token with a space or a control character could never be sent as `Bearer <token>`.
    if (
      typeof o.token !== 'string' ||
      o.token.length < MONITOR_DEFAULTS.minTokenLength ||
      !/^[\x21-\x7e]+$/.test(o.token)
    ) {
      // The value is never echoed: it is (or looks like) a secret.
      throw new ConfigError(
        'token',
        '***',
        `must be at least ${MONITOR_DEFAULTS.minTokenLength} visible ASCII characters, no spaces`,
      )
    }
  }
  const requiredSets = o.requiredSets ?? [...names]
  if (!Array.isArray(requiredSets)) {
    throw new ConfigError('requiredSets', requiredSets, 'must be an array of set names')
  }
  requiredSets.forEach((n: unknown, i) => {
    if (!names.has(n as string)) throw new ConfigError(`requiredSets[${i}]`, n, 'names no set')
  })
  if (o.signal !== undefined) checkSignal('signal', o.signal)
  checkRegistry(o.registry)
  const bodyLimitBytes = o.bodyLimitBytes ?? MONITOR_DEFAULTS.bodyLimitBytes
  if (!Number.isSafeInteger(bodyLimitBytes) || bodyLimitBytes < 1) {
    throw new ConfigError(
      'bodyLimitBytes',
      bodyLimitBytes,
      'must be a positive whole number of bytes',
    )
  }
  const metricPrefix = o.metricPrefix ?? MONITOR_DEFAULTS.metricPrefix
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metricPrefix)) {
    throw new ConfigError(
      'metricPrefix',
      metricPrefix,
      'must be a valid Prometheus metric name prefix',
    )
  }
  const alertAction = o.alertAction ?? MONITOR_DEFAULTS.alertAction
  if (alertAction !== 'cordon' && alertAction !== 'rebalance') {
    throw new ConfigError('alertAction', alertAction, 'must be "cordon" or "rebalance"')
  }
  const m = o.alertLabelMapping
  if (m !== undefined && typeof m !== 'function') checkLabelNames(m)
  const hosts = o.allowedHosts
  if (
    hosts !== undefined &&
    (!Array.isArray(hosts) || hosts.some((h) => typeof h !== 'string' || h === ''))
  ) {
    throw new ConfigError('allowedHosts', hosts, 'must be an array of host names')
  }
  return {
    allowedHosts: hosts?.map((h) => h.toLowerCase()),
    sets: o.sets,
    token: o.token,
    requiredSets,
    bodyLimitBytes,
    metricPrefix,
    mapper: typeof m === 'function' ? m : labelRule(m),
    alertAction,
  }
}
