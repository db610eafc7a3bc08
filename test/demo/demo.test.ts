import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DemoResultJson } from '../../examples/demo/src/run-demo.js'
import { build, runTs } from './run-example.js'

const dir = mkdtempSync(join(tmpdir(), 'steadfast-demo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(() => build('examples/demo'), 300_000)

describe('pnpm demo', () => {
  it('behavior: a short run under chaos ends with a green summary, every backend run, and exit code 0', async () => {
    const summaryFile = join(dir, 'summary.json')
    const run = await runTs(
      'examples/demo/src/main.ts',
      ['--duration', '20', '--plain', '--summary-json', summaryFile],
      240_000,
    )
    // On failure, show what the demo printed: its summary, or the phase that timed out.
    expect(run.stdout, `${run.stdout}\n${run.stderr}`).toContain('NOTHING LOST')
    const result = JSON.parse(readFileSync(summaryFile, 'utf8')) as DemoResultJson
    expect(result.missing).toEqual([])
    expect(result.reports.map((r) => r.backend).sort()).toEqual(['evm', 'fabric', 'ipfs'])
    for (const r of result.reports) {
      expect(r.calls.failed, `${r.backend}: ${r.notes.join('; ')}`).toBe(0)
      expect(r.calls.ok).toBeGreaterThan(0)
      for (const c of r.checks) expect(c.actual, `${r.backend}: ${c.label}`).toBe(c.expected)
    }
    // The chaos was real: faults were injected and the SDK had to fail over.
    expect(result.injected.kill + result.injected.hang).toBeGreaterThan(0)
    expect(result.failovers + result.downs).toBeGreaterThan(0)
    expect(run.code).toBe(0)
  }, 300_000)

  it('error: a config file with a bad field exits 2 naming the field, before starting anything', async () => {
    const bad = join(dir, 'steadfast.config.yaml')
    writeFileSync(bad, 'ipfs:\n  endpoints: [http://127.0.0.1:5001, { url: ftp://x }]\n')
    const run = await runTs('examples/demo/src/main.ts', ['--config', bad], 60_000)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('INVALID_CONFIG')
    expect(run.stderr).toContain('ipfs.endpoints[1].url')
    expect(run.stdout).not.toContain('starting')
  })
})
