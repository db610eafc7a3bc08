import pc from 'picocolors'
import type { DemoBackend } from './backends/demo-backend.js'
import type { BackendContext, Loaded } from './backends/load-backends.js'
import { type ChaosRun, startChaos } from './chaos/chaos-script.js'
import type { DemoArgs } from './cli-args.js'
import type { DemoConfig } from './config/demo-config.js'
import { startRebalanceTrigger } from './monitor-trigger.js'
import { renderSummary } from './summary/render-summary.js'
import { EndpointStats } from './view/endpoint-stats.js'
import { LiveView } from './view/live-view.js'
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
  injected: Record<string, number>
  rebalanceVia: string
  reports: BackendReport[]
  missing: { backend: string; reason: string }[]
}

/** Time left after the run for late events and commits to arrive before checking, ms. */
const settleMs = 45_000
/** Budgets of the phases around the run, ms (see Watchdog). */
const budget = { start: 120_000, stop: 90_000, verify: settleMs + 45_000, close: 30_000 }

export async function runDemo(o: RunDemoOptions): Promise<{ ok: boolean; json: DemoResultJson }> {
  const out = o.out ?? process.stdout
  const say = (line: string) => out.write(`${line}\n`)
  const missing = o.loaded.flatMap((l) =>
    'missing' in l ? [{ backend: l.name, reason: l.missing }] : [],
  )
  const documents: BackendContext['documents'] = { ledger: undefined }
  const started = Date.now()
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
  for (const m of missing) say(pc.yellow(`  ${m.backend}: not run — ${m.reason}`))
  const backends: DemoBackend[] = []
  await Promise.all(
    o.loaded.map(async (l) => {
      if (!('factory' in l)) return
      say(`  starting ${l.name}…`)
      try {
        const b = await l.factory({ config: o.config, documents, signal: o.signal })
        backends.push(b)
        say(`  ${pc.green('✔')} ${b.title} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
      } catch (e) {
        missing.push({ backend: l.name, reason: `failed to start: ${(e as Error).message}` })
        say(pc.red(`  ✘ ${l.name} failed to start: ${(e as Error).message}`))
      }
    }),
  )
  backends.sort((a, b) => order(a.name) - order(b.name))
  documents.ledger = backends.find((b) => b.documentLedger)?.documentLedger

  const sets = backends.flatMap((b) => b.sets)
  const stats = new EndpointStats(sets)
  const trigger = await startRebalanceTrigger(sets, o.config?.monitor ?? {})
  if (trigger.url)
    say(`  monitor: ${trigger.url}/status · /metrics (rebalances via ${trigger.via})`)
  const useChaos = o.args.chaos && o.config === undefined
  const view = new LiveView({
    out,
    tty: out.isTTY === true && !o.args.plain,
    durationS: o.args.durationS,
    backends,
    stats,
  })

  // The SDK's own view of the faults, interleaved with the chaos actions in the log.
  const unsubscribe = sets.flatMap((set) => [
    set.on('stateChange', (e) => view.note(`${e.set}: ${e.url} ${e.from} → ${e.to} (${e.reason})`)),
    set.on('rebalance', (e) => {
      if (e.from !== e.to) {
        view.note(
          `${e.set}: ${e.from ? `moved ${e.from} → ` : 'now on '}${e.to ?? 'nothing'} (${e.reason})`,
        )
      }
    }),
  ])
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
      log: (l) => view.note(l),
    })
  }
  await Promise.all(backends.map((b) => b.run(stop.signal)))
  clearTimeout(timer)
  o.signal.removeEventListener('abort', onAbort)
  watchdog.enter('healing the replicas the chaos script broke', budget.stop)
  view.note('workload stopped; healing replicas')
  await chaos?.stop()
  view.note('waiting for late events and commits, then verifying')

  const settle = AbortSignal.any([AbortSignal.timeout(settleMs), o.signal])
  const reports: BackendReport[] = []
  for (const b of backends) {
    watchdog.enter(`verifying ${b.name}`, budget.verify)
    reports.push(await b.finish(settle))
  }
  view.stop()
  const elapsedMs = Date.now() - runStarted
  const injected = chaos?.injected ?? { kill: 0, hang: 0, lag: 0, rebalance: 0 }
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

function order(name: string): number {
  return ['evm', 'fabric', 'ipfs'].indexOf(name)
}
