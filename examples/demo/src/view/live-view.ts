import type { EndpointState } from '@steadfast/core'
import pc from 'picocolors'
import type { DemoBackend } from '../backends/demo-backend.js'
import type { EndpointStats } from './endpoint-stats.js'
import { clock, renderTable } from './render-table.js'

export interface LiveViewOptions {
  out: NodeJS.WriteStream
  /** Refreshing table (ANSI cursor control) when true, plain progress lines otherwise. */
  tty: boolean
  durationS: number
  backends: readonly DemoBackend[]
  stats: EndpointStats
  /** Table refresh period on a TTY, ms. @default 500 */
  refreshMs?: number
  /** Progress line period without a TTY, ms. @default 5000 */
  plainEveryMs?: number
}

const stateColour: Record<EndpointState, (s: string) => string> = {
  healthy: pc.green,
  degraded: pc.yellow,
  unhealthy: pc.red,
  ejected: pc.red,
  cordoned: pc.cyan,
  quarantined: (s) => pc.bold(pc.red(s)),
  unknown: pc.dim,
}

/**
 * The demo's live view: on a TTY a table redrawn in place (each endpoint's state, request rate,
 * failovers and failures, the app's counters and the last chaos actions); otherwise one progress
 * line every few seconds and each chaos action as it happens, so logs stay readable in CI.
 */
export class LiveView {
  private readonly started = Date.now()
  private readonly log: string[] = []
  private drawn = 0
  private phase: string | undefined
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly o: LiveViewOptions) {}

  start(): void {
    const every = this.o.tty ? (this.o.refreshMs ?? 500) : (this.o.plainEveryMs ?? 5000)
    if (this.o.tty) this.o.out.write('\u001b[?25l') // hide the cursor while redrawing
    this.timer = setInterval(() => this.tick(), every)
    this.timer.unref()
    this.tick()
  }

  /** A chaos action or a notable event, shown under the table (TTY) or printed at once. */
  note(text: string): void {
    const line = `${clock(Date.now() - this.started)}  ${text}`
    this.log.push(line)
    if (this.log.length > 8) this.log.shift()
    if (!this.o.tty) this.o.out.write(`${line}\n`)
  }

  /** Shown in the header instead of the clock once the load has stopped (e.g. 'verifying'). */
  setPhase(phase: string): void {
    this.phase = phase
  }

  /** Draws the final frame and gives the terminal back. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.tick()
    if (this.o.tty) this.o.out.write('\u001b[?25h')
  }

  private tick(): void {
    if (!this.o.tty) {
      this.o.out.write(`${this.progressLine()}\n`)
      return
    }
    const lines = this.frame()
    // Move to the first line of the previous frame, clear to the end of screen, redraw.
    const up = this.drawn > 0 ? `\u001b[${this.drawn}F\u001b[0J` : ''
    this.o.out.write(`${up}${lines.join('\n')}\n`)
    this.drawn = lines.length
  }

  private frame(): string[] {
    const elapsed = Date.now() - this.started
    const rows = this.o.stats
      .rows()
      .map((r) => [
        r.set,
        r.url,
        (stateColour[r.state] ?? pc.white)(r.state),
        r.rate.toFixed(1),
        String(r.requests),
        r.failovers > 0 ? pc.yellow(String(r.failovers)) : '0',
        r.failures > 0 ? pc.yellow(String(r.failures)) : '0',
        pc.dim((r.lastError ?? '').slice(0, 40)),
      ])
    const table = renderTable(
      ['set', 'endpoint', 'state', 'req/s', 'requests', 'failovers', 'failures', 'last error'],
      rows,
      ['req/s', 'requests', 'failovers', 'failures'],
    )
    return [
      `${pc.bold('Steadfast demo')}  ${this.phase ?? `${clock(elapsed)} / ${clock(this.o.durationS * 1000)}`}  ${pc.dim(`failovers ${this.o.stats.failovers} · taken out of rotation ${this.o.stats.downs}`)}`,
      '',
      pc.bold(table[0] ?? ''),
      ...table.slice(1),
      '',
      ...this.o.backends.map((b) => {
        const p = b.progress()
        const failed = p.failed > 0 ? pc.red(`${p.failed} failed`) : pc.green('0 failed')
        return `${pc.bold(b.name.padEnd(7))}${p.ok} ok · ${failed} · ${p.line}`
      }),
      '',
      ...this.log.map((l) => pc.dim(l)),
    ]
  }

  private progressLine(): string {
    const parts = this.o.backends.map((b) => {
      const p = b.progress()
      return `${b.name} ${p.ok} ok ${p.failed} failed (${p.line})`
    })
    const rate = this.o.stats.rows().reduce((sum, r) => sum + r.rate, 0)
    return `${clock(Date.now() - this.started)}  ${rate.toFixed(1)} req/s  failovers ${this.o.stats.failovers}  out ${this.o.stats.downs}  ${parts.join(' | ')}`
  }
}
