import { ConfigError } from '../errors/config-error.js'
import type { ExecuteOptions } from '../types.js'
import { checkNumber, checkString, isRecord } from './check.js'

function bool(field: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean')
    throw new ConfigError(field, v, 'must be a boolean')
}

/** Validates per-call options (`execute`, `pick`); field paths start with `execute.`. */
export function checkExecuteOptions(o: unknown): ExecuteOptions {
  if (o === undefined) return {}
  if (!isRecord(o)) throw new ConfigError('execute', o, 'options must be an object')
  const x = o as Record<string, unknown>
  bool('execute.idempotent', x.idempotent)
  bool('execute.hedge', x.hedge)
  bool('execute.fresh', x.fresh)
  if (x.deadlineMs !== undefined) checkNumber('execute.deadlineMs', x.deadlineMs, { above: 0 })
  if (x.attemptTimeoutMs !== undefined) {
    checkNumber('execute.attemptTimeoutMs', x.attemptTimeoutMs, { above: 0 })
  }
  if (x.maxAttempts !== undefined) {
    checkNumber('execute.maxAttempts', x.maxAttempts, { min: 1, integer: true })
  }
  if (x.minHeight !== undefined) checkNumber('execute.minHeight', x.minHeight)
  if (x.affinity !== undefined) checkString('execute.affinity', x.affinity)
  if (x.only !== undefined) checkString('execute.only', x.only)
  if (x.exclude !== undefined) {
    if (!Array.isArray(x.exclude))
      throw new ConfigError('execute.exclude', x.exclude, 'must be an array')
    for (const [i, id] of x.exclude.entries()) checkString(`execute.exclude[${i}]`, id)
  }
  // Duck-typed: a signal from another realm (or a polyfill) is fine.
  const signal = x.signal as { aborted?: unknown; addEventListener?: unknown } | undefined
  if (
    signal !== undefined &&
    (typeof signal?.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')
  ) {
    throw new ConfigError('execute.signal', x.signal, 'must be an AbortSignal')
  }
  return x as ExecuteOptions
}
