// The soak's client, in its own process (started with --expose-gc by soak.test.ts): steady
// load through a FailoverProvider while the parent kills and restarts replicas. It measures heap
// and active handles at a baseline, after the load, and after close(); then it must exit on its
// own (no process.exit): a handle left open by the provider keeps it alive and the parent fails.
import { setTimeout as sleep } from 'node:timers/promises'
import { FailoverProvider } from '@steadfast/ethers'
import { Wallet } from '../../packages/ethers/node_modules/ethers/lib.esm/index.js'

const urls = JSON.parse(process.env.SOAK_URLS ?? '[]') as string[]
const chainId = Number(process.env.SOAK_CHAIN_ID)
const durationMs = Number(process.env.SOAK_DURATION_MS ?? 45_000)
const key = process.env.SOAK_KEY ?? ''
const to = process.env.SOAK_TO ?? ''
const gc = (globalThis as { gc?: () => void }).gc
const report = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`)

/** Active resources by type, without the process's own stdio pipes. */
function resources(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1
  return out
}
async function heap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.()
    await sleep(100)
  }
  return process.memoryUsage().heapUsed
}

const before = resources()
const provider = new FailoverProvider(urls, chainId, {
  cacheTimeout: -1,
  pollingInterval: 200,
  attemptTimeoutMs: 1000,
  probeIntervalMs: 250,
  probeTimeoutMs: 500,
})
const wallet = new Wallet(key, provider)
const stats = {
  reads: 0,
  writes: 0,
  failures: [] as string[],
  wentBack: false,
  nonces: [] as number[],
}
let head = -1
let stop = false
/** What each loop is awaiting now (a stuck call shows here). */
const doing = new Map<string, string>()
const reader = async (name: string) => {
  while (!stop) {
    try {
      doing.set(name, 'getBlockNumber')
      const n = await provider.getBlockNumber()
      if (n < head) stats.wentBack = true
      head = Math.max(head, n)
      doing.set(name, 'getBalance')
      await provider.getBalance(to)
      doing.delete(name)
      stats.reads += 2
    } catch (e) {
      stats.failures.push(`read: ${(e as Error).message.slice(0, 200)}`)
    }
    await sleep(20)
  }
}
const writer = async () => {
  while (!stop) {
    try {
      doing.set('writer', 'sendTransaction')
      const tx = await wallet.sendTransaction({ to, value: 1n })
      doing.set('writer', `wait ${tx.hash} nonce ${tx.nonce}`)
      const receipt = await tx.wait()
      doing.delete('writer')
      if (receipt?.status !== 1) throw new Error(`status ${receipt?.status}`)
      stats.nonces.push(tx.nonce)
      stats.writes++
    } catch (e) {
      stats.failures.push(`write: ${(e as Error).message.slice(0, 200)}`)
    }
    await sleep(100)
  }
}

// Warm up (JIT, pools, first probe round), then the baseline.
stop = false
let loops = [reader('r0'), writer()]
await sleep(3000)
stop = true
await Promise.all(loops)
const heapBaseline = await heap()
const resBaseline = resources()
report({ phase: 'baseline', heap: heapBaseline, resources: resBaseline })

stop = false
loops = [reader('r1'), reader('r2'), writer()]
const t0 = Date.now()
while (Date.now() - t0 < durationMs) {
  await sleep(1000)
  report({
    phase: 'tick',
    reads: stats.reads,
    writes: stats.writes,
    failures: stats.failures.length,
  })
}
stop = true
// A call that never settles is a liveness failure: report it instead of hanging (the provider's
// timers are unref'd, so a stuck await would otherwise let the process exit silently).
const keep = setInterval(() => {}, 1000)
const settled = await Promise.race([Promise.all(loops).then(() => true), sleep(30_000, false)])
clearInterval(keep)
if (!settled) {
  report({ phase: 'stuck', doing: Object.fromEntries(doing), ...stats, status: provider.status() })
  await provider.close()
  process.exitCode = 3
} else {
  await sleep(1500) // in-flight probes and keep-alive sockets settle
  const heapAfter = await heap()
  const resAfter = resources()
  const finalBalanceNonce = await provider.getTransactionCount(wallet.address)
  await provider.close()
  await sleep(200)
  report({
    phase: 'done',
    ...stats,
    finalNonce: finalBalanceNonce,
    heapBaseline,
    heapAfter,
    resBaseline,
    resAfter,
    resBefore: before,
    resClosed: resources(),
  })
  // No process.exit: the parent checks that nothing keeps this process alive.
}
