import type { BackendName } from '../cli-args.js'

/** One line of proof in the summary: what should have happened against what did. */
export interface Check {
  /** e.g. 'Transfer events seen once'. */
  label: string
  expected: number
  actual: number
  /** Unit for the table, e.g. 'events', 'bytes'. */
  unit: string
}

/** What a backend's app did and whether anything was lost. */
export interface BackendReport {
  backend: BackendName
  calls: { ok: number; failed: number }
  checks: Check[]
  /** Free-form facts worth printing (first failed call's message, redacted). */
  notes: string[]
}

/** A check holds when actual equals expected. */
export function checkHolds(c: Check): boolean {
  return c.actual === c.expected
}

/** A backend lost nothing when no call failed and every check holds. */
export function reportHolds(r: BackendReport): boolean {
  return r.calls.failed === 0 && r.checks.every(checkHolds)
}
