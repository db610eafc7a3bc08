import { ConfigError } from '../errors/config-error.js'
import type { ExecuteOptions } from '../types.js'
import { checkBoolean, checkNumber, checkSignal, checkString, isRecord } from './check.js'

function bool(field: string, v: unknown): void {
  if (v !== undefined) checkBoolean(field, v)
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
  if (x.signal !== undefined) checkSignal('execute.signal', x.signal)
  return x as ExecuteOptions
}
