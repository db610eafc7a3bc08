import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { startEvmReplicaSet } from './start-evm-replica-set.js'

const src = (p: string) => JSON.stringify(fileURLToPath(new URL(p, import.meta.url)))

// Runs in a fresh process: it must exit by itself once everything is closed (no open handle).
const SCRIPT = `
import { startEvmReplicaSet } from ${src('./start-evm-replica-set.ts')}
const set = await startEvmReplicaSet({ replicas: 2 })
await set.mineBlocks(2)
const bad = await set.addMisconfiguredReplica()
await bad.blockNumber()
set.replicas[1].pause()
await set.replicas[0].kill()
await set.close()
console.log('closed')
`

it('behavior: the process exits by itself after close (no handle left open)', async () => {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      { timeout: 90_000, killSignal: 'SIGKILL' },
      (err, out) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout: out }),
    )
    child.stdin?.end()
  })
  expect(stdout).toContain('closed')
  expect(code).toBe(0)
})

/** Live (non-zombie) child processes of this process running ganache. */
function ganacheChildren(): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (Number(stat[1]) === process.pid && stat[0] !== 'Z' && cmd.includes('ganache'))
        pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

it('behavior: aborting the start kills the ganache processes already spawned', async () => {
  const ac = new AbortController()
  const starting = startEvmReplicaSet({ replicas: 2, signal: ac.signal })
  starting.catch(() => undefined)
  while (ganacheChildren().length === 0) await sleep(20)
  ac.abort()
  await expect(starting).rejects.toThrow()
  expect(ganacheChildren()).toEqual([])
})
