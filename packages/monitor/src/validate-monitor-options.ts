import { ConfigError } from '@steadfast/core'
import { type AlertMapper, labelRule } from './alert-label-mapping.js'
import { MONITOR_DEFAULTS, type MonitorHandlerOptions } from './monitor-options.js'

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

/** Validates handler options; throws core's `ConfigError` (code `INVALID_CONFIG`) naming the field. */
export function validateMonitorOptions(o: MonitorHandlerOptions): ResolvedHandlerOptions {
  if (typeof o !== 'object' || o === null) throw new ConfigError('options', o, 'must be an object')
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
    if (typeof o.token !== 'string' || o.token.length < MONITOR_DEFAULTS.minTokenLength) {
      // The value is never echoed: it is (or looks like) a secret.
      throw new ConfigError(
        'token',
        '***',
        `must be a string of at least ${MONITOR_DEFAULTS.minTokenLength} characters`,
      )
    }
  }
  const requiredSets = o.requiredSets ?? [...names]
  requiredSets.forEach((n, i) => {
    if (!names.has(n)) throw new ConfigError(`requiredSets[${i}]`, n, 'names no set')
  })
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
  if (m !== undefined && typeof m !== 'function' && (typeof m !== 'object' || m === null)) {
    throw new ConfigError('alertLabelMapping', m, 'must be label names or a function')
  }
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
