import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

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
