/**
 * Soak and leaks: a bounded soak (45 s in CI, 10 min with `pnpm test:chaos --long`) of
 * kill/restart cycles of every replica in turn under steady load (two readers, one writer
 * waiting for each receipt), in a child process started with --expose-gc. Checks: nothing lost
 * or duplicated (nonces consecutive, the chain's nonce matches), no stale head, heap and
 * open handles/timers back to their baseline, and after close() the child exits by itself.
 */
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { type EvmReplicaSet, startEvmReplicaSet } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LONG, retries } from '../chaos/support/chaos-mode.js'
import { flush, tally } from '../chaos/support/figures.js'

const DURATION_MS = LONG ? 600_000 : 45_000
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const root = here('../../')

interface Done {
  phase: 'done'
  reads: number
  writes: number
  failures: string[]
  wentBack: boolean
  nonces: number[]
  finalNonce: number
  heapBaseline: number
  heapAfter: number
  resBaseline: Record<string, number>
  resAfter: Record<string, number>
  resBefore: Record<string, number>
  resClosed: Record<string, number>
}

let set: EvmReplicaSet
beforeAll(async () => {
  set = await startEvmReplicaSet({ replicas: 3, onFork: 'resequence' })
})
afterAll(async () => {
  await set?.close()
  flush()
})

/** Kills and restarts each replica in turn until `signal` aborts; returns the cycles done. */
async function killCycles(signal: AbortSignal): Promise<number> {
  let cycles = 0
  for (let i = 0; !signal.aborted; i = (i + 1) % set.replicas.length) {
    await sleep(2000)
    if (signal.aborted) break
    const r = set.replicas[i]!
    await r.kill()
    await sleep(1500)
    await r.restart()
    cycles++
  }
  return cycles
}

describe('soak: kill/restart cycles under load (ethers)', () => {
  it('behavior: nothing lost, heap and handles back to baseline, and close() lets the process exit', {
    timeout: DURATION_MS + 180_000,
    // No retry: the call that intermittently never settled after a kill was bug 1 (fixed, see
    // docs/reliability.md). STEADFAST_CHAOS_RETRIES=n retries, for a local investigation.
    retry: retries(0),
  }, async () => {
    const [, , , , , , , account] = set.accounts
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', here('./soak-child.ts')],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          TSX_TSCONFIG_PATH: here('./tsconfig.child.json'),
          SOAK_URLS: JSON.stringify(set.urls),
          SOAK_CHAIN_ID: String(set.chainId),
          SOAK_DURATION_MS: String(DURATION_MS),
          SOAK_KEY: account!.privateKey,
          SOAK_TO: set.accounts[8]!.address,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString()
    })
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    )
    const faults = new AbortController()
    let cycles: Promise<number> | undefined
    try {
      // Faults start once the child has its baseline.
      while (!out.includes('"baseline"') && child.exitCode === null) await sleep(100)
      cycles = killCycles(faults.signal)
      while (!/"(done|stuck)"/.test(out) && child.exitCode === null) await sleep(200)
      faults.abort()
      const stuck = out.split('\n').find((l) => l.includes('"stuck"'))
      expect(stuck, 'a call that never settled (liveness)').toBeUndefined()
      const done = JSON.parse(out.split('\n').find((l) => l.includes('"done"')) ?? 'null') as Done
      expect(done, `child output:\n${out}\n${err}`).not.toBeNull()
      // The child exits by itself after close(); a leaked handle would keep it alive.
      const code = await Promise.race([exited, sleep(30_000, 'still running' as const)])
      expect(code, `child stderr:\n${err}`).toBe(0)

      const n = await cycles
      tally('soakKillRestartCycles', n)
      tally('soakReads', done.reads)
      tally('soakWrites', done.writes)
      expect(n).toBeGreaterThan(0)
      expect(done.failures).toEqual([])
      expect(done.writes).toBeGreaterThan(0)
      expect(done.wentBack).toBe(false)
      // Every write once: consecutive nonces, and the chain holds exactly the writes seen.
      const nonces = [...done.nonces].sort((a, b) => a - b)
      expect(nonces).toEqual(nonces.map((_, i) => nonces[0]! + i))
      expect(done.finalNonce).toBe(nonces.at(-1)! + 1)
      // Heap back near its baseline after gc (generous: V8 keeps some slack).
      expect(done.heapAfter).toBeLessThan(done.heapBaseline * 1.5 + 8 * 1024 * 1024)
      // Timers and sockets back to what the idle provider held.
      for (const type of ['Timeout', 'TCPSocketWrap', 'FSReqCallback']) {
        expect(done.resAfter[type] ?? 0, type).toBeLessThanOrEqual(
          (done.resBaseline[type] ?? 0) + (type === 'TCPSocketWrap' ? 3 : 1),
        )
      }
      // After close(): nothing beyond what the process held before the provider existed.
      // (One unref'd timer may still be pending: it cannot keep the process alive, and the
      // exit above proves nothing does.)
      for (const [type, count] of Object.entries(done.resClosed))
        expect(count, `${type} after close`).toBeLessThanOrEqual(
          (done.resBefore[type] ?? 0) + (type === 'Timeout' ? 1 : 0),
        )
      process.stdout.write(
        `soak: ${Math.round(DURATION_MS / 1000)} s, ${n} kill/restart cycles, ${done.reads} reads, ${done.writes} writes, heap ${Math.round(done.heapBaseline / 1e6)} -> ${Math.round(done.heapAfter / 1e6)} MB\n`,
      )
    } finally {
      faults.abort()
      await cycles?.catch(() => 0)
      if (child.exitCode === null) child.kill('SIGKILL')
      await Promise.all(set.replicas.map((r) => r.restart().catch(() => {})))
    }
  })
})
