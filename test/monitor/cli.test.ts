import { execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRETS } from './support/http-replicas.js'
import { type MonitorFixture, startMonitorFixture, TOKEN } from './support/monitor-fixture.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const main = fileURLToPath(new URL('../../packages/monitor/src/cli/main.ts', import.meta.url))

/** Runs the real `steadfast` CLI (sources through tsx) in a child process. */
function steadfast(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

let f: MonitorFixture
beforeAll(async () => {
  f = await startMonitorFixture()
})
afterAll(async () => {
  await f?.close()
})

describe('steadfast CLI against a live monitor', () => {
  it('behavior: status prints a plain table when piped, and --json the status document', async () => {
    const table = await steadfast(['status', f.monitor.url])
    expect(table.code).toBe(0)
    const lines = table.stdout.split('\n')
    expect(lines[0]).toMatch(/^SET\s+ENDPOINT\s+STATE\s+SINCE/)
    expect(lines.filter((l) => l.startsWith('main '))).toHaveLength(3)
    expect(table.stdout).toContain(`* ${f.ids[0]}`)
    expect(table.stdout).toContain('main: ready')
    expect(table.stdout).not.toContain('\u001b[')
    const json = await steadfast(['status', f.monitor.url, '--json'])
    expect(json.code).toBe(0)
    const doc = JSON.parse(json.stdout)
    expect(doc.sets[0].endpoints.map((e: { id: string }) => e.id)).toEqual(f.ids)
    for (const secret of SECRETS) expect(table.stdout + json.stdout).not.toContain(secret)
  })

  it('behavior: cordon with --ttl and the token from STEADFAST_TOKEN moves the set; uncordon restores it', async () => {
    const [a, b] = f.ids
    const cordon = await steadfast(
      [
        'cordon',
        f.monitor.url,
        '--set',
        'main',
        '--endpoint',
        a,
        '--ttl',
        '60s',
        '--reason',
        'maint',
      ],
      { STEADFAST_TOKEN: TOKEN },
    )
    expect(cordon.stderr).toBe('')
    expect(cordon.code).toBe(0)
    expect(cordon.stdout).toContain(`now holding ${b}`)
    expect(f.main.status()[0]).toMatchObject({ state: 'cordoned', reason: 'maint' })
    const status = await steadfast(['status', f.monitor.url])
    expect(status.stdout).toMatch(/cordoned \(maint\)/)
    const uncordon = await steadfast([
      'uncordon',
      f.monitor.url,
      '--set',
      'main',
      '--endpoint',
      a,
      '--token',
      TOKEN,
    ])
    expect(uncordon.code).toBe(0)
    expect(f.main.status()[0]?.state).not.toBe('cordoned')
    expect(f.main.current()?.id).toBe(a)
  })

  it('error: a wrong token exits 3 and changes nothing; an unknown set exits 3', async () => {
    const denied = await steadfast([
      'rebalance',
      f.monitor.url,
      '--set',
      'main',
      '--token',
      'wrong-token-0123456789',
    ])
    expect(denied.code).toBe(3)
    expect(denied.stderr).toMatch(/HTTP 401.*UNAUTHORIZED/)
    const unknown = await steadfast([
      'cordon',
      f.monitor.url,
      '--set',
      'ghost',
      '--endpoint',
      'x',
      '--token',
      TOKEN,
    ])
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toMatch(/HTTP 404/)
    expect(f.main.status().every((s) => s.state === 'healthy')).toBe(true)
  })

  it('behavior: status --watch refreshes the table until interrupted, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'status', f.monitor.url, '--watch', '100ms'],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '' },
      },
    )
    let out = ''
    const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        if ((out.match(/^SET /gm) ?? []).length >= 2) resolve()
      })
    })
    child.kill('SIGINT')
    expect(await code).toBe(0)
    expect(out).toContain(`* ${f.ids[0]}`)
  })

  it('error: usage errors exit 2 with the usage text; an unreachable monitor exits 1', async () => {
    const usage = await steadfast(['cordon', f.monitor.url, '--set', 'main'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/--endpoint is required[\s\S]*Usage:/)
    const down = await steadfast(['status', 'http://127.0.0.1:1', '--timeout', '5s'])
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/cannot reach the monitor/)
  })
})
