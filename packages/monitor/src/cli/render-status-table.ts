import type pc from 'picocolors'
import type { EndpointSnapshot, StatusSnapshot } from '../status-snapshot.js'

/** picocolors' colour functions (all identity when colours are off). */
export type Colors = ReturnType<typeof pc.createColors>

const HEADER = [
  'SET',
  'ENDPOINT',
  'STATE',
  'SINCE',
  'LATENCY',
  'HEIGHT',
  'LAG',
  'IN-FLIGHT',
  'LAST ERROR',
]
/** Longest last-error text shown in the table, in characters (the JSON output has it whole). */
const MAX_ERROR = 60

function ago(since: number, now: number): string {
  const s = Math.max(0, Math.round((now - since) / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
}

function stateColor(c: Colors, state: EndpointSnapshot['state']): (t: string) => string {
  switch (state) {
    case 'healthy':
      return c.green
    case 'degraded':
    case 'cordoned':
    case 'unknown':
      return c.yellow
    default:
      return c.red
  }
}

const dash = (v: number | null, unit = ''): string => (v === null ? '-' : `${v}${unit}`)

/**
 * The status snapshot as an aligned text table, one row per endpoint; `*` marks the endpoint
 * each set holds now. Colours come from `c` (picocolors, disabled when not a TTY).
 */
export function renderStatusTable(snapshot: StatusSnapshot, c: Colors): string {
  const rows: Array<{ cells: string[]; paint: Array<(t: string) => string> }> = []
  for (const set of snapshot.sets) {
    for (const e of set.endpoints) {
      const err = e.lastError ?? ''
      const cells = [
        set.name,
        `${e.id === set.current ? '*' : ' '} ${e.id}`,
        e.reason && e.state === 'cordoned' ? `${e.state} (${e.reason})` : e.state,
        ago(e.since, snapshot.time),
        e.latencyMs === null ? '-' : `${Math.round(e.latencyMs)}ms`,
        dash(e.height),
        dash(e.lag),
        String(e.inFlight),
        err.length > MAX_ERROR ? `${err.slice(0, MAX_ERROR - 1)}…` : err || '-',
      ]
      const plain = (t: string) => t
      const paint = cells.map(() => plain)
      paint[2] = stateColor(c, e.state)
      paint[8] = err ? c.dim : plain
      rows.push({ cells, paint })
    }
  }
  const widths = HEADER.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r.cells[i]?.length ?? 0)),
  )
  const line = (cells: string[], paint?: Array<(t: string) => string>) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)
        return paint?.[i]?.(padded) ?? padded
      })
      .join('  ')
      .trimEnd()
  const ready = snapshot.sets.map(
    (s) => `${s.name}: ${s.ready ? c.green('ready') : c.red('NOT READY')}`,
  )
  return [
    c.bold(line(HEADER)),
    ...rows.map((r) => line(r.cells, r.paint)),
    '',
    ready.join('   '),
  ].join('\n')
}
