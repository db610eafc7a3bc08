#!/usr/bin/env node
// pnpm test:chaos [--long] [vitest args…]
// Runs the chaos matrix and the soak (test/chaos, test/soak). --long sets STEADFAST_CHAOS=long:
// every policy, faults three times longer, more load, a 10-minute soak and no retries.
// The counters of the run (faults survived, writes, bad inputs…) are summed at the end; they are
// the figures docs/reliability.md quotes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const args = process.argv.slice(2)
const long = args.includes('--long')
const rest = args.filter((a) => a !== '--long')
const dir = mkdtempSync(join(tmpdir(), 'steadfast-chaos-'))
const figures = join(dir, 'figures.jsonl')
const env = { ...process.env, STEADFAST_FIGURES: figures }
if (long) env.STEADFAST_CHAOS = 'long'
const paths = rest.some((a) => !a.startsWith('-')) ? [] : ['test/chaos', 'test/soak']

const started = Date.now()
const run = spawnSync('pnpm', ['exec', 'vitest', 'run', ...paths, ...rest], {
  stdio: 'inherit',
  env,
})
const totals = {}
try {
  for (const line of readFileSync(figures, 'utf8').split('\n').filter(Boolean)) {
    const { pid: _pid, ...counts } = JSON.parse(line)
    for (const [k, v] of Object.entries(counts)) totals[k] = (totals[k] ?? 0) + v
  }
} catch {
  // no figures recorded (e.g. a filter matched nothing)
}
rmSync(dir, { recursive: true, force: true })
console.log(
  `\nchaos ${long ? 'long' : 'CI'} mode: ${Math.round((Date.now() - started) / 1000)} s`,
  JSON.stringify(totals),
)
process.exit(run.status ?? 1)
