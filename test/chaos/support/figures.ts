import { appendFileSync } from 'node:fs'

/**
 * Counters for docs/reliability.md ("bad inputs tried", "faults survived", "writes"…). When
 * STEADFAST_FIGURES names a file, each test file appends its totals there as one JSON line on
 * exit; otherwise counting costs nothing visible.
 */
const counts = new Map<string, number>()
let hooked = false

export function tally(name: string, n = 1): void {
  counts.set(name, (counts.get(name) ?? 0) + n)
  const file = process.env.STEADFAST_FIGURES
  if (!hooked && file) {
    hooked = true
    process.once('beforeExit', flush)
    process.once('exit', flush)
  }
}

/** Appends the counts so far (and resets them). */
export function flush(): void {
  const file = process.env.STEADFAST_FIGURES
  if (!file || counts.size === 0) return
  appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...Object.fromEntries(counts) })}\n`)
  counts.clear()
}
