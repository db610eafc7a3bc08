import pc from 'picocolors'
import { describe, expect, it } from 'vitest'
import type { StatusSnapshot } from '../status-snapshot.js'
import { renderStatusTable } from './render-status-table.js'

const snapshot: StatusSnapshot = {
  time: 100_000,
  ready: false,
  sets: [
    {
      name: 'evm',
      ready: true,
      bestHeight: 10,
      current: 'b:1',
      endpoints: [
        {
          id: 'a:1',
          url: 'http://a:1/',
          state: 'cordoned',
          since: 40_000,
          latencyMs: 2.4,
          height: 10,
          lag: 0,
          inFlight: 0,
          lastError: null,
          reason: 'maint',
          labels: {},
        },
        {
          id: 'b:1',
          url: 'http://b:1/',
          state: 'healthy',
          since: 99_000,
          latencyMs: null,
          height: null,
          lag: null,
          inFlight: 3,
          lastError: 'x'.repeat(100),
          reason: null,
          labels: {},
        },
      ],
    },
    { name: 'ipfs', ready: false, bestHeight: null, current: null, endpoints: [] },
  ],
}

describe('renderStatusTable', () => {
  it('behavior: aligned columns, current endpoint starred, long errors cut, readiness line', () => {
    const text = renderStatusTable(snapshot, pc.createColors(false))
    const lines = text.split('\n')
    expect(lines[0]).toMatch(
      /^SET +ENDPOINT +STATE +SINCE +LATENCY +HEIGHT +LAG +IN-FLIGHT +LAST ERROR$/,
    )
    expect(lines[1]).toMatch(/^evm +a:1 +cordoned \(maint\) +1m0s +2ms +10 +0 +0 +-$/)
    expect(lines[2]).toMatch(/^evm +\* b:1 +healthy +1s +- +- +- +3 +x{59}…$/)
    expect(lines[1]?.indexOf('cordoned')).toBe(lines[2]?.indexOf('healthy'))
    expect(lines.at(-1)).toBe('evm: ready   ipfs: NOT READY')
    expect(text).not.toContain('\u001b[')
  })

  it('behavior: colours states when colours are on', () => {
    const text = renderStatusTable(snapshot, pc.createColors(true))
    const c = pc.createColors(true)
    expect(text).toContain(c.green('healthy         '))
    expect(text).toContain(c.yellow('cordoned (maint)'))
    expect(text).toContain(c.red('NOT READY'))
  })
})
