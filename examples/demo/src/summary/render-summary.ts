import pc from 'picocolors'
import type { ChaosAction } from '../chaos/chaos-script.js'
import { renderTable } from '../view/render-table.js'
import { type BackendReport, checkHolds, reportHolds } from '../workload/backend-report.js'

export interface SummaryInput {
  reports: readonly BackendReport[]
  /** Backends that could not run, with the reason (a package not built yet, a start failure). */
  missing: readonly { backend: string; reason: string }[]
  injected: Record<ChaosAction, number>
  failovers: number
  /** Endpoints taken out of rotation by probes or outlier detection. */
  downs: number
  elapsedMs: number
  /** How the rebalances were triggered, e.g. 'POST /rebalance on the monitor'. */
  rebalanceVia: string
}

export interface Summary {
  /** True when at least one backend ran and none lost anything. */
  ok: boolean
  lines: string[]
}

/**
 * The proof at the end of the demo: per backend, failed app calls and each check (events expected
 * vs seen, transactions committed once, bytes verified), then the verdict that sets the exit code.
 */
export function renderSummary(s: SummaryInput): Summary {
  const rows: string[][] = []
  for (const r of s.reports) {
    const failedOk = r.calls.failed === 0
    rows.push([r.backend, 'app calls that failed', '0', String(r.calls.failed), mark(failedOk)])
    rows.push([r.backend, 'app calls that succeeded', '', String(r.calls.ok), ''])
    for (const c of r.checks) {
      rows.push([
        r.backend,
        c.label,
        `${c.expected} ${c.unit}`,
        `${c.actual} ${c.unit}`,
        mark(checkHolds(c)),
      ])
    }
  }
  const ran = s.reports.length > 0
  const ok = ran && s.reports.every(reportHolds)
  const lines = [
    '',
    pc.bold('Summary'),
    `  ran ${(s.elapsedMs / 1000).toFixed(0)} s · faults injected: ${s.injected.kill} kills, ${s.injected.hang} hangs, ${s.injected.lag} lags, ${s.injected.drain} drains · ${s.injected.rebalance} rebalances (${s.rebalanceVia}) · the SDK took endpoints out of rotation ${s.downs} times and failed calls over ${s.failovers} times`,
    '',
    ...renderTable(['backend', 'check', 'expected', 'actual', ''], rows, [
      'expected',
      'actual',
    ]).map((l, i) => `  ${i === 0 ? pc.bold(l) : l}`),
  ]
  for (const r of s.reports) for (const n of r.notes) lines.push(`  ${r.backend}: ${pc.dim(n)}`)
  for (const m of s.missing) lines.push(`  ${pc.yellow(`${m.backend}: not run — ${m.reason}`)}`)
  lines.push('')
  if (!ran) lines.push(pc.red(pc.bold('NOTHING RAN: no backend could start (see above)')))
  else if (ok) {
    const partial =
      s.missing.length > 0 ? ` (${s.missing.map((m) => m.backend).join(', ')} not run)` : ''
    lines.push(
      pc.green(pc.bold(`NOTHING LOST: every call succeeded and every check holds${partial}`)),
    )
  } else lines.push(pc.red(pc.bold('LOSS DETECTED: see the rows marked ✘ above')))
  return { ok, lines }
}

function mark(ok: boolean): string {
  return ok ? pc.green('✔') : pc.red('✘')
}
