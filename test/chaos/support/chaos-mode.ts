import { setTimeout as sleep } from 'node:timers/promises'

/** `STEADFAST_CHAOS=long` (pnpm test:chaos --long): longer faults, more load, every policy. */
export const LONG = process.env.STEADFAST_CHAOS === 'long'

/** Policies run in CI, and all five in long mode. */
export const POLICIES = LONG
  ? (['priority', 'roundRobin', 'weighted', 'leastLatency', 'p2c'] as const)
  : (['priority', 'roundRobin'] as const)
export type ChaosPolicy = (typeof POLICIES)[number]

/** A fault window in ms: short in CI, three times longer in long mode. */
export const windowMs = (ms: number) => (LONG ? ms * 3 : ms)

/** Polls `check` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await sleep(50)
  }
}

/** Toggles `down`/`up` every `periodMs` for `totalMs`, then leaves it up. */
export async function flap(
  down: () => Promise<void>,
  up: () => Promise<void>,
  periodMs: number,
  totalMs: number,
): Promise<void> {
  const end = Date.now() + totalMs
  while (Date.now() < end) {
    await down()
    await sleep(periodMs)
    await up()
    await sleep(periodMs)
  }
}

/**
 * Retries of a chaos cell: none in long mode, `STEADFAST_CHAOS_RETRIES` if set (a local
 * investigation), else `ci` (every suite passes 0 now: a cell that fails is a bug to fix).
 */
export function retries(ci: number): number {
  if (LONG) return 0
  const env = process.env.STEADFAST_CHAOS_RETRIES
  return env !== undefined && env !== '' ? Number(env) : ci
}
