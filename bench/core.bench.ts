/**
 * Cost of one pick and one execute() round trip (no-op op) per policy, for 3 to 10,000
 * endpoints. Pickers are immutable snapshots rebuilt on state changes, so a pick should stay
 * flat (O(1) or O(log n) for weighted); the table says whether growth stays ≤ logarithmic.
 */

import { createEndpointSet, type EndpointSet, type PolicyName } from '../packages/core/src/index.js'
import { seeded } from '../packages/core/src/policies/policy-test-helpers.js'
import type { BenchContext } from './index.js'

const SIZES = [3, 100, 1_000, 10_000]
const POLICIES: PolicyName[] = ['priority', 'roundRobin', 'weighted', 'leastLatency', 'p2c']

function makeSet(policy: PolicyName, n: number): EndpointSet {
  return createEndpointSet({
    endpoints: Array.from({ length: n }, (_, i) => ({
      url: `http://10.0.${i >> 8}.${i & 255}:8545`,
      weight: 1 + (i % 4),
    })),
    policy,
    random: seeded(n),
  })
}

/** Best of 5 runs: the least disturbed by GC and the other processes on this machine. */
function timePicks(set: EndpointSet, iterations: number): number {
  for (let i = 0; i < 10_000; i++) set.pick() // warm-up and first picker build
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) set.pick()
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations)
  }
  return best
}

async function timeExecute(set: EndpointSet, iterations: number): Promise<number> {
  const op = async () => 1
  for (let i = 0; i < 1_000; i++) await set.execute(op)
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < 3; run++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < iterations; i++) await set.execute(op)
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations)
  }
  return best
}

/** Growth from the smallest to the largest size, against the log bound log(nMax)/log(nMin). */
function growth(times: number[]): string {
  const first = times[0]!
  const last = times.at(-1)!
  const ratio = last / first
  const bound = Math.log2(SIZES.at(-1)!) / Math.log2(SIZES[0]!)
  return `×${ratio.toFixed(2)} ${ratio <= bound ? '≤' : '>'} log ×${bound.toFixed(1)}${ratio <= bound ? ' ok' : ' WORSE'}`
}

export default async function run(ctx: BenchContext): Promise<void> {
  const pickIters = ctx.quick ? 20_000 : 200_000
  const execIters = ctx.quick ? 1_000 : 10_000
  const rows: Record<string, string | number>[] = []
  for (const policy of POLICIES) {
    const picks: number[] = []
    const execs: number[] = []
    for (const n of SIZES) {
      const set = makeSet(policy, n)
      picks.push(timePicks(set, pickIters))
      execs.push(await timeExecute(set, execIters))
      await set.close()
    }
    const row: Record<string, string | number> = { policy }
    SIZES.forEach((n, i) => {
      row[`pick ns @${n}`] = Math.round(picks[i]!)
    })
    row['pick growth'] = growth(picks)
    SIZES.forEach((n, i) => {
      row[`execute ns @${n}`] = Math.round(execs[i]!)
    })
    row['execute growth'] = growth(execs)
    rows.push(row)
  }
  ctx.table('core: one pick / one execute() round trip (no-op op), ns per op', rows)
}
