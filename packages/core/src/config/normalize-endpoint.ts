import { ConfigError } from '../errors/config-error.js'
import { redactUrl } from '../redact/redact-url.js'
import type { Endpoint } from '../types.js'
import { checkNumber, checkString, checkStringMap, checkUrl, isRecord, prop } from './check.js'

/** URL schemes an endpoint may use, with the port implied when none is written. */
export const SCHEMES: Readonly<Record<string, number>> = Object.freeze({
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
  'grpc:': 80,
  'grpcs:': 443,
})

/** Stable id from the redacted URL: `host:port[/path]`. */
export function deriveId(url: URL, raw: string): string {
  const port = url.port || String(SCHEMES[url.protocol] ?? '')
  const redacted = new URL(redactUrl(raw).replace(/^[^:]+:/, 'http:'))
  const path = redacted.pathname === '/' ? '' : redacted.pathname.replace(/\/$/, '')
  return `${url.hostname}:${port}${decodeURIComponent(path)}`
}

function optional(path: string, v: unknown, check: (p: string, v: unknown) => number) {
  return v === undefined ? undefined : check(path, v)
}

/** Validates one endpoint input and returns the immutable Endpoint. */
export function normalizeEndpoint(input: unknown, index: number, path: string): Endpoint {
  const cfg: Record<string, unknown> =
    typeof input === 'string' ? { url: input } : asRecord(input, path)
  const rawUrl = prop(cfg, 'url', `${path}.url`)
  const url = checkUrl(`${path}.url`, rawUrl, Object.keys(SCHEMES))
  const urlString = rawUrl as string
  const id = prop(cfg, 'id', `${path}.id`)
  const priority = optional(`${path}.priority`, prop(cfg, 'priority', path), (p, v) =>
    checkNumber(p, v),
  )
  const weight = optional(`${path}.weight`, prop(cfg, 'weight', path), (p, v) =>
    checkNumber(p, v, { above: 0 }),
  )
  const timeoutMs = optional(`${path}.timeoutMs`, prop(cfg, 'timeoutMs', path), (p, v) =>
    checkNumber(p, v, { above: 0 }),
  )
  return Object.freeze({
    id: id === undefined ? deriveId(url, urlString) : checkString(`${path}.id`, id),
    url: urlString,
    redactedUrl: redactUrl(urlString),
    priority: priority ?? 0,
    weight: weight ?? 1,
    index,
    labels: checkStringMap(`${path}.labels`, prop(cfg, 'labels', `${path}.labels`)),
    headers: checkStringMap(`${path}.headers`, prop(cfg, 'headers', `${path}.headers`)),
    timeoutMs,
  })
}

function asRecord(input: unknown, path: string): Record<string, unknown> {
  if (!isRecord(input)) throw new ConfigError(path, input, 'must be a URL string or an object')
  return input
}

/** Validates a list of endpoints: non-empty unless allowed, unique ids. */
export function normalizeEndpoints(
  list: unknown,
  path: string,
  allowEmpty: boolean,
  firstIndex = 0,
): Endpoint[] {
  if (!Array.isArray(list)) throw new ConfigError(path, list, 'must be an array')
  if (list.length === 0 && !allowEmpty) throw new ConfigError(path, list, 'must not be empty')
  const seen = new Set<string>()
  return list.map((input, i) => {
    const e = normalizeEndpoint(input, firstIndex + i, `${path}[${i}]`)
    if (seen.has(e.id)) {
      throw new ConfigError(`${path}[${i}].id`, e.id, 'duplicates another endpoint id (set ids)')
    }
    seen.add(e.id)
    return e
  })
}
