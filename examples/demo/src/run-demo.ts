import pc from 'picocolors'
import type { DemoBackend } from './backends/demo-backend.js'
import type { Loaded } from './backends/load-backends.js'
import { startBackends } from './backends/start-backends.js'
import { type ChaosAction, type ChaosRun, startChaos } from './chaos/chaos-script.js'
import type { DemoArgs } from './cli-args.js'
import type { DemoConfig } from './config/demo-config.js'
import { startRebalanceTrigger } from './monitor-trigger.js'
import { renderSummary } from './summary/render-summary.js'
import { EndpointStats } from './view/endpoint-stats.js'
import { LiveView } from './view/live-view.js'
import { logSetEvents } from './view/log-set-events.js'
import { Watchdog } from './watchdog.js'
import type { BackendReport } from './workload/backend-report.js'

export interface RunDemoOptions {
  args: DemoArgs
  config: DemoConfig | undefined
  loaded: readonly Loaded[]
  /** Aborted on Ctrl-C: the run stops early, heals replicas, and still prints its summary. */
  signal: AbortSignal
  /** @default process.stdout */
  out?: NodeJS.WriteStream
}

/** Machine-readable outcome, written by `--summary-json`. */
export interface DemoResultJson {
  ok: boolean
  elapsedMs: number
  failovers: number
  downs: number
  injected: Record<ChaosAction, number>
  rebalanceVia: string
  reports: BackendReport[]
  missing: { backend: string; reason: string }[]
}

/** Time left after the run for late events and commits to arrive before checking, ms. */
const settleMs = 45_000
/** Budgets of the phases around the run, ms (see Watchdog). */
const budget = { start: 120_000, stop: 90_000, verify: settleMs + 75_000, close: 30_000 }

export async function runDemo(o: RunDemoOptions): Promise<{ ok: boolean; json: DemoResultJson }> {
  const out = o.out ?? process.stdout
  const say = (line: string) => out.write(`${line}\n`)
  const watchdog = new Watchdog((phase, seconds) => {
    out.write(`\n${pc.red(pc.bold(`TIMED OUT: ${phase} took over ${seconds} s`))}\n`)
    // The testkit kills its child processes on exit.
    process.exit(1)
  })
  watchdog.enter('starting the replica sets', budget.start)
  say(
    pc.bold(
      o.config ? 'Steadfast demo on your endpoint sets' : 'Steadfast demo on local replica sets',
    ),
  )
  const { backends, missing } = await startBackends(o.loaded, o.config, o.signal, say)

  const sets = backends.flatMap((b) => b.sets)
  const stats = new EndpointStats(sets)
  const trigger = await startRebalanceTrigger(sets, o.config?.monitor ?? {})
  if (trigger.url)
    say(
      `  monitor: ${trigger.url}/metrics · /status — watch it from another terminal: pnpm exec steadfast status ${trigger.url} --watch 1s`,
    )
  const useChaos = o.args.chaos && o.config === undefined
  const view = new LiveView({
    out,
    tty: out.isTTY === true && !o.args.plain,
    durationS: o.args.durationS,
    backends,
    stats,
  })

  const unsubscribe = logSetEvents(sets, (line) => view.note(line))
  const durationMs = o.args.durationS * 1000
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  o.signal.addEventListener('abort', onAbort)
  const timer = setTimeout(() => stop.abort(), durationMs)
  watchdog.enter('running the apps', durationMs + budget.stop)
  const runStarted = Date.now()
  say('')
  view.start()
  let chaos: ChaosRun | undefined
  if (useChaos && backends.length > 0) {
    chaos = startChaos({
      backends,
      durationMs,
      rebalance: (reason) => trigger.rebalance(reason),
      cordon: (set, endpoint, on) => trigger.cordon(set, endpoint, on),
      log: (l) => view.note(l),
    })
  }
  await Promise.all(backends.map((b) => b.run(stop.signal)))
  clearTimeout(timer)
  o.signal.removeEventListener('abort', onAbort)
  watchdog.enter('healing the replicas the chaos script broke', budget.stop)
  view.setPhase('healing replicas')
  view.note('workload stopped; healing replicas')
  await chaos?.stop()
  view.setPhase('verifying')
  view.note('waiting for late events and commits, then verifying')

  const reports = await verifyAll(backends, o.signal, watchdog)
  view.stop()
  const elapsedMs = Date.now() - runStarted
  const injected = chaos?.injected ?? { kill: 0, hang: 0, lag: 0, drain: 0, rebalance: 0 }
  const summary = renderSummary({
    reports,
    missing,
    injected,
    failovers: stats.failovers,
    downs: stats.downs,
    elapsedMs,
    rebalanceVia: trigger.via,
  })
  for (const line of summary.lines) say(line)

  watchdog.enter('closing', budget.close)
  for (const u of unsubscribe) u()
  stats.close()
  await trigger.close()
  await Promise.allSettled(backends.map((b) => b.close()))
  watchdog.stop()
  const json: DemoResultJson = {
    ok: summary.ok,
    elapsedMs,
    failovers: stats.failovers,
    downs: stats.downs,
    injected,
    rebalanceVia: trigger.via,
    reports,
    missing,
  }
  return { ok: summary.ok, json }
}

/** Each backend waits for its late events and commits (bounded), then checks its books. */
async function verifyAll(
  backends: readonly DemoBackend[],
  userAbort: AbortSignal,
  watchdog: Watchdog,
): Promise<BackendReport[]> {
  const reports: BackendReport[] = []
  for (const b of backends) {
    watchdog.enter(`verifying ${b.name}`, budget.verify)
    // Each backend gets its own wait: one backend's missing events must not cut another's short.
    reports.push(await b.finish(AbortSignal.any([AbortSignal.timeout(settleMs), userAbort])))
  }
  return reports
}
