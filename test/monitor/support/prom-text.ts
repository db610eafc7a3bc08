/**
 * A small checker of the Prometheus text exposition format (version 0.0.4), strict enough to
 * catch what a scraper would reject: bad names, bad label escaping, bad values, samples without
 * a TYPE, duplicate series, non-cumulative histogram buckets.
 */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Exposition {
  types: Map<string, string>
  samples: Sample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return Number.NaN
  if (text === '+Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`)
  }
  return Number(text)
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {}
  let i = 0
  while (i < text.length) {
    const eq = text.indexOf('=', i)
    const name = text.slice(i, eq)
    if (eq < 0 || !LABEL.test(name))
      throw new Error(`line ${line}: bad label name at ${text.slice(i)}`)
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label ${name} value not quoted`)
    let j = eq + 2
    let value = ''
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\n') throw new Error(`line ${line}: raw newline in label`)
      if (text[j] !== '\\') {
        value += text[j]
        continue
      }
      const next = text[++j]
      if (next === 'n') value += '\n'
      else if (next === '\\' || next === '"') value += next
      else throw new Error(`line ${line}: bad escape \\${next} in label ${name}`)
    }
    if (j >= text.length) throw new Error(`line ${line}: unterminated label ${name}`)
    if (name in labels) throw new Error(`line ${line}: duplicate label ${name}`)
    labels[name] = value
    i = j + 1
    if (text[i] === ',') i++
    else if (i < text.length) throw new Error(`line ${line}: expected , after label ${name}`)
  }
  return labels
}

function family(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined
    if (base && types.has(base)) return base
  }
  return undefined
}

function checkHistograms(e: Exposition): void {
  const groups = new Map<string, Sample[]>()
  for (const s of e.samples) {
    if (!s.name.endsWith('_bucket')) continue
    const { le, ...rest } = s.labels
    if (le === undefined) throw new Error(`${s.name}: bucket without le`)
    const key = `${s.name}${JSON.stringify(rest)}`
    groups.set(key, [...(groups.get(key) ?? []), s])
  }
  for (const [key, buckets] of groups) {
    const sorted = buckets.sort((a, b) => parseValue(a.labels.le!, 0) - parseValue(b.labels.le!, 0))
    sorted.reduce((prev, b) => {
      if (b.value < prev) throw new Error(`${key}: buckets not cumulative`)
      return b.value
    }, 0)
    if (sorted.at(-1)?.labels.le !== '+Inf') throw new Error(`${key}: no le="+Inf" bucket`)
  }
}

/** Parses and validates exposition text; throws an Error naming the first problem. */
export function parsePromText(text: string): Exposition {
  const e: Exposition = { types: new Map(), samples: [] }
  const seen = new Set<string>()
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline')
  text.split('\n').forEach((raw, idx) => {
    const line = idx + 1
    if (raw.trim() === '') return
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw)
    if (meta) {
      const [, kind, name = '', rest = ''] = meta
      if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`)
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: bad type ${rest}`)
        if (e.types.has(name)) throw new Error(`line ${line}: second TYPE for ${name}`)
        e.types.set(name, rest)
      }
      return
    }
    if (raw.startsWith('#')) return
    const m = /^([^\s{]+)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/.exec(raw)
    if (!m) throw new Error(`line ${line}: not a sample: ${raw}`)
    const [, name = '', labelText = '', valueText = ''] = m
    if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`)
    if (!family(name, e.types)) throw new Error(`line ${line}: ${name} has no TYPE before it`)
    const labels = parseLabels(labelText, line)
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (seen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`)
    seen.add(key)
    e.samples.push({ name, labels, value: parseValue(valueText, line) })
  })
  checkHistograms(e)
  return e
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sumOf(e: Exposition, name: string, match: Record<string, string> = {}): number {
  return e.samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0)
}
