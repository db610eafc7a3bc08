import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KuboTarget, startKuboTarget } from './fixtures/kubo-target.js'

const fixture = fileURLToPath(new URL('./fixtures/close-exits.fixture.mts', import.meta.url))
const root = fileURLToPath(new URL('../../..', import.meta.url))

describe('close()', () => {
  let set: KuboTarget
  beforeAll(async () => {
    set = await startKuboTarget({ nodes: 1 })
  })
  afterAll(async () => {
    await set?.close()
  })

  it('behavior: after close() the process exits by itself (no handle left open)', async () => {
    const { cid } = await set.addReplicated('bytes to cat')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fixture, set.urls[0] as string, cid, JSON.stringify(set.headers)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve))
    // A generous bound: an open handle keeps the child alive forever, so it is killed here.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const code = await exit
    clearTimeout(guard)
    expect(output).toContain('closed')
    expect(code).toBe(0)
  })
})
