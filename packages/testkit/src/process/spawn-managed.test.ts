import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort, isListening, waitForPort } from './free-port.js'
import { spawnManaged } from './spawn-managed.js'

/** Process state letter from /proc (R, S, T = stopped, Z), or undefined once gone. */
function procState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0]
  } catch {
    return undefined
  }
}

const alive = (pid: number) => {
  const s = procState(pid)
  return s !== undefined && s !== 'Z'
}

// A parent that starts a grandchild and prints both pids.
const FAMILY = `
const { spawn } = require('node:child_process')
const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
console.log('pids', process.pid, g.pid)
setInterval(() => {}, 1000)
`

describe('spawnManaged', () => {
  it('behavior: close kills the whole process group, grandchildren included', async () => {
    const p = spawnManaged(process.execPath, ['-e', FAMILY])
    await p.waitForOutput(/pids \d+ \d+/)
    const [, child, grandchild] = p
      .output()
      .match(/pids (\d+) (\d+)/)!
      .map(Number)
    expect(alive(child!) && alive(grandchild!)).toBe(true)
    await p.close()
    expect(p.exit?.signal).toBe('SIGKILL')
    // The grandchild is reparented to init and reaped: poll until it is gone.
    for (let i = 0; i < 250 && alive(grandchild!); i++) await new Promise((r) => setTimeout(r, 20))
    expect(alive(grandchild!)).toBe(false)
  })

  it('behavior: pause stops the process and resume continues it', async () => {
    const p = spawnManaged(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 50)'])
    try {
      await p.waitForOutput(/up/)
      p.pause()
      for (let i = 0; i < 250 && procState(p.pid!) !== 'T'; i++)
        await new Promise((r) => setTimeout(r, 10))
      expect(procState(p.pid!)).toBe('T')
      p.resume()
      for (let i = 0; i < 250 && procState(p.pid!) === 'T'; i++)
        await new Promise((r) => setTimeout(r, 10))
      expect(procState(p.pid!)).not.toBe('T')
    } finally {
      await p.close()
    }
  })

  it('behavior: a paused process is still killed by close', async () => {
    const p = spawnManaged(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 50)'])
    await p.waitForOutput(/up/)
    p.pause()
    await p.close()
    expect(alive(p.pid!)).toBe(false)
  })

  it('behavior: children die when the parent process exits without closing them', async () => {
    const script = `
      import { spawnManaged } from ${JSON.stringify(fileURLToPath(new URL('./spawn-managed.ts', import.meta.url)))}
      const p = spawnManaged(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
      console.log(p.pid)
      setTimeout(() => process.exit(0), 200)
    `
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    )
    const pid = Number(out.trim())
    expect(pid).toBeGreaterThan(0)
    // SIGKILL was sent on exit; the kernel may take a moment on a loaded machine.
    for (let i = 0; i < 250 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20))
    expect(alive(pid)).toBe(false)
  })

  it('error: waitForOutput rejects when the process exits first', async () => {
    const p = spawnManaged(process.execPath, ['-e', 'console.log("bye")'])
    await expect(p.waitForOutput(/never/)).rejects.toMatchObject({ code: 'PROCESS_EXITED' })
    expect((await p.waitForExit()).code).toBe(0)
  })
})

describe('ports', () => {
  it('behavior: freePort returns a port nothing listens on, waitForPort sees a listener', async () => {
    const port = await freePort()
    expect(await isListening(port)).toBe(false)
    const p = spawnManaged(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${port}, '127.0.0.1')`,
    ])
    try {
      await waitForPort(port, { failIf: () => (p.exit ? 'exited' : undefined) })
      expect(await isListening(port)).toBe(true)
    } finally {
      await p.close()
    }
    expect(await isListening(port)).toBe(false)
  })

  it('error: waitForPort gives up when told the server died', async () => {
    const port = await freePort()
    await expect(waitForPort(port, { failIf: () => 'server exited' })).rejects.toMatchObject({
      code: 'PROCESS_EXITED',
    })
  })
})
