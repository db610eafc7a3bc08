import { expect } from 'vitest'
import type { FlowResult } from './dapp-flow.js'

/** A dApp flow that went through its fault untouched: every transfer once, every event once. */
export function expectCleanFlow(r: FlowResult, transfers: number): void {
  expect(r.failures).toEqual([])
  expect(r.timedOut).toBe(false)
  expect(r.transfers).toBe(transfers)
  expect(r.missingEvents).toBe(0)
  expect(r.duplicateEvents).toBe(0)
  expect(r.reorgedEvents).toBe(0)
  expect(r.consecutiveNonces).toBe(true)
  expect(r.exactBalances).toBe(true)
  expect(r.blockNumberWentBack).toBe(false)
}
