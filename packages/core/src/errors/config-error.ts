import { redactText } from '../redact/redact-text.js'
import { SteadfastError } from './steadfast-error.js'

/** Redacts a config value for display: strings through the URL/secret scrubber, objects summarised. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string')
    return redactText(value.length > 200 ? `${value.slice(0, 200)}…` : value)
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? '[function]' : value
  }
  return Array.isArray(value) ? `[array(${value.length})]` : '[object]'
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'symbol') return value.toString()
  return String(value)
}

/** A configuration value is invalid. `field` is the path, `value` the redacted offending value. */
export class ConfigError extends SteadfastError {
  readonly field: string
  readonly value: unknown

  constructor(field: string, value: unknown, problem: string) {
    const redacted = redactValue(value)
    super('INVALID_CONFIG', `Invalid config: ${field} ${problem} (got ${show(redacted)})`)
    this.field = field
    this.value = redacted
  }
}
