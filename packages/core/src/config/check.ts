import { ConfigError } from '../errors/config-error.js'

/** Plain object (not array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Reads an own property safely (getters that throw become a ConfigError). */
export function prop(obj: Record<string, unknown>, key: string, path: string): unknown {
  try {
    return Object.hasOwn(obj, key) ? obj[key] : undefined
  } catch {
    throw new ConfigError(path, '[unreadable]', 'could not be read')
  }
}

export interface NumberRule {
  /** Inclusive lower bound. Default 0. */
  min?: number
  /** Exclusive lower bound (e.g. weight > 0). */
  above?: number
  max?: number
  integer?: boolean
}

/** A finite number within the rule, else ConfigError. */
export function checkNumber(path: string, v: unknown, rule: NumberRule = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConfigError(path, v, 'must be a finite number')
  }
  if (rule.integer && !Number.isInteger(v)) throw new ConfigError(path, v, 'must be an integer')
  if (rule.above !== undefined && !(v > rule.above)) {
    throw new ConfigError(path, v, `must be > ${rule.above}`)
  }
  const min = rule.min ?? (rule.above === undefined ? 0 : Number.NEGATIVE_INFINITY)
  if (v < min) throw new ConfigError(path, v, `must be >= ${min}`)
  if (rule.max !== undefined && v > rule.max)
    throw new ConfigError(path, v, `must be <= ${rule.max}`)
  return v
}

/** Optional number: undefined gives the default. */
export function optNumber(path: string, v: unknown, def: number, rule?: NumberRule): number {
  return v === undefined ? def : checkNumber(path, v, rule)
}

export function checkString(path: string, v: unknown, nonEmpty = true): string {
  if (typeof v !== 'string') throw new ConfigError(path, v, 'must be a string')
  if (nonEmpty && v.trim() === '') throw new ConfigError(path, v, 'must not be empty')
  return v
}

/** `true` or `false`, else ConfigError. */
export function checkBoolean(path: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ConfigError(path, v, 'must be a boolean')
  return v
}

/** One of a fixed list of values (an enum option), else ConfigError listing them. */
export function checkOneOf<T extends string>(path: string, v: unknown, values: readonly T[]): T {
  if (!values.includes(v as T))
    throw new ConfigError(path, v, `must be one of ${values.join(', ')}`)
  return v as T
}

/** An AbortSignal, duck-typed: a signal from another realm (or a polyfill) is fine. */
export function checkSignal(path: string, v: unknown): AbortSignal {
  const s = v as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown }
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function' ||
    typeof s.removeEventListener !== 'function'
  ) {
    throw new ConfigError(path, v, 'must be an AbortSignal')
  }
  return v as AbortSignal
}

/**
 * A parseable absolute URL with a host and one of `schemes` (e.g. `['http:', 'https:']`). The
 * message and the error's value show the URL redacted (ConfigError scrubs strings).
 */
export function checkUrl(path: string, v: unknown, schemes: readonly string[]): URL {
  const url = checkString(path, v)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError(path, url, 'is not a valid URL')
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(path, url, `has unsupported scheme (use ${schemes.join(' ')})`)
  }
  if (parsed.hostname === '') throw new ConfigError(path, url, 'has no host')
  return parsed
}

export function checkFunction<F>(path: string, v: unknown): F {
  if (typeof v !== 'function') throw new ConfigError(path, v, 'must be a function')
  return v as F
}

/**
 * Optional nested options object; rejects keys it does not know (typos are bugs). With `path`
 * `''` it checks a top-level options object: an unknown key is named alone.
 */
export function optObject(
  path: string,
  v: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (v === undefined) return {}
  if (!isRecord(v)) throw new ConfigError(path, v, 'must be an object')
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) {
      throw new ConfigError(path === '' ? key : `${path}.${key}`, key, 'is not a known option')
    }
  }
  return v
}

/** Record<string, string> (labels, headers), copied and frozen. */
export function checkStringMap(path: string, v: unknown): Readonly<Record<string, string>> {
  if (v === undefined) return Object.freeze({})
  if (!isRecord(v)) throw new ConfigError(path, v, 'must be an object of strings')
  const out: Record<string, string> = {}
  for (const key of Object.keys(v)) {
    out[key] = checkString(`${path}.${key}`, prop(v, key, `${path}.${key}`), false)
  }
  return Object.freeze(out)
}
