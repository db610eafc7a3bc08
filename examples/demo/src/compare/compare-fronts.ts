/**
 * `pnpm --filter @steadfast/example-demo compare [steadfast|nginx|haproxy…]`: the same JSON-RPC
 * calls through three fronts over 3 ganache replicas — Steadfast's FailoverProvider in the
 * client, nginx in front, HAProxy in front. Faults: the replica carrying traffic killed, hung
 * (SIGSTOP) or answering HTTP 500 under a steady read load (failed calls, longest stall, p99); a
 * block filter polled through the front; a replica 20 blocks behind (wrong, i.e. stale, answers).
 * For docs/comparison.md. nginx and HAProxy must be installed (Debian: nginx-light, haproxy).
 */
import { FailoverProvider } from '@steadfast/ethers'
import { type EvmReplica, type EvmReplicaSet, startEvmReplicaSet } from '@steadfast/testkit'
import { frontTimeoutMs, type RunningProxy, startHaproxy, startNginx } from './reverse-proxies.js'

type Fault = 'kill' | 'hang' | 'http500'
interface Sample {
  end: number
  ok: boolean
  ms: number
}
interface Front {
  name: string
  /** One JSON-RPC call through the front; rejects on any failure. */
  rpc(method: string, params?: unknown[]): Promise<unknown>
  /** Index of the replica this front would use now (the fault goes there). */
  inUse(): number
  close(): Promise<void>
}

const readers = 4
const warmupMs = 3000
const faultMs = 8000
const afterMs = 4000

async function inject(r: EvmReplica, fault: Fault): Promise<() => Promise<void>> {
  if (fault === 'kill') {
    await r.kill()
    return () => r.restart()
  }
  if (fault === 'hang') {
    r.pause()
    return async () => r.resume()
  }
  await r.proxy.setMode({ kind: 'http', status: 500, body: 'Internal Server Error' })
  return () => r.proxy.setMode({ kind: 'pass' })
}

function viaHttp(proxy: RunningProxy): Front {
  let id = 0
  return {
    name: proxy.name,
    async rpc(method, params = []) {
      const res = await fetch(proxy.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
        signal: AbortSignal.timeout(30_000),
      })
      const json = (await res.json()) as { result?: unknown; error?: { message: string } }
      if (!res.ok || json.error || json.result === undefined) {
        throw new Error(json.error?.message ?? `HTTP ${res.status}`)
      }
      return json.result
    },
    inUse: () => 0, // the proxies round-robin: replica 0 carries a third of the calls
    close: () => proxy.close(),
  }
}

function viaSteadfast(set: EvmReplicaSet): Front {
  const provider = new FailoverProvider([...set.urls], set.chainId, {
    cacheTimeout: -1,
    attemptTimeoutMs: frontTimeoutMs,
    probeIntervalMs: 1000,
  })
  return {
    name: 'Steadfast FailoverProvider',
    rpc: (method, params = []) => provider.send(method, params),
    inUse: () => provider.endpointSet.current()?.index ?? 0,
    close: async () => provider.destroy(),
  }
}

/**
 * Faults that break no connection: a stateful filter (created on one replica, polled through the
 * front 20 times) and a replica 20 blocks behind (40 head reads through the front). Counts the
 * calls that failed or answered wrong (a head lower than the chain's).
 */
async function measureState(front: Front, set: EvmReplicaSet, fault: 'filter' | 'lag') {
  let calls = 0
  let failed = 0
  let wrong = 0
  const call = async (method: string, params: unknown[] = []) => {
    calls++
    return front.rpc(method, params).catch(() => {
      failed++
      return undefined
    })
  }
  if (fault === 'filter') {
    const id = await call('eth_newBlockFilter')
    for (let i = 0; i < 20; i++) {
      await set.mineBlocks(1)
      await call('eth_getFilterChanges', [id])
    }
  } else {
    const lagging = set.replicas[1] as EvmReplica
    lagging.holdReplication()
    await set.mineBlocks(20)
    const head = await (set.replicas[0] as EvmReplica).blockNumber()
    await sleep(2500) // a probe round: the client may learn the heads
    for (let i = 0; i < 40; i++) {
      const n = await call('eth_blockNumber')
      if (typeof n === 'string' && Number(n) < head) wrong++
    }
    await lagging.catchUp()
  }
  return {
    front: front.name,
    fault,
    calls,
    failed,
    'wrong answers': wrong,
    'longest stall (ms)': '-',
    'p99 (ms)': '-',
  }
}

async function measure(
  front: Front,
  set: EvmReplicaSet,
  fault: Fault | 'filter' | 'lag',
): Promise<Record<string, string | number>> {
  if (fault === 'filter' || fault === 'lag') return measureState(front, set, fault)
  const samples: Sample[] = []
  let stop = false
  const loops = Array.from({ length: readers }, async () => {
    while (!stop) {
      const start = Date.now()
      const ok = await front.rpc('eth_blockNumber').then(
        () => true,
        () => false,
      )
      samples.push({ end: Date.now(), ok, ms: Date.now() - start })
    }
  })
  await sleep(warmupMs)
  const replica = set.replicas[front.inUse()] as EvmReplica
  const faultAt = Date.now()
  const heal = await inject(replica, fault)
  await sleep(faultMs)
  await heal()
  await sleep(afterMs)
  stop = true
  await Promise.all(loops)
  const window = samples.filter((s) => s.end >= faultAt)
  let last = faultAt
  let stall = 0
  for (const s of window.filter((x) => x.ok).sort((a, b) => a.end - b.end)) {
    stall = Math.max(stall, s.end - last)
    last = s.end
  }
  const ms = window.map((s) => s.ms).sort((a, b) => a - b)
  return {
    front: front.name,
    fault,
    calls: window.length,
    failed: window.filter((s) => !s.ok).length,
    'wrong answers': 0,
    'longest stall (ms)': stall,
    'p99 (ms)': ms[Math.floor(0.99 * (ms.length - 1))] ?? 0,
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

const rows: Record<string, string | number>[] = []
const fronts: [string, (set: EvmReplicaSet) => Promise<Front>][] = [
  ['steadfast', async (set) => viaSteadfast(set)],
  ['nginx', async (set) => viaHttp(await startNginx(set.urls))],
  ['haproxy', async (set) => viaHttp(await startHaproxy(set.urls))],
]
const only = process.argv.slice(2)
for (const [key, make] of fronts) {
  if (only.length > 0 && !only.includes(key)) continue
  for (const fault of ['kill', 'hang', 'http500', 'filter', 'lag'] as const) {
    // A fresh chain per run: no ejection or health history carried over between scenarios.
    const set = await startEvmReplicaSet({ replicas: 3 })
    try {
      const front = await make(set)
      try {
        await sleep(1500) // first probes / health checks
        const row = await measure(front, set, fault)
        rows.push(row)
        console.log(JSON.stringify(row))
      } finally {
        await front.close()
      }
    } finally {
      await set.close()
    }
  }
}
console.log(
  `\nfault on the replica in use for ${faultMs / 1000} s, ${readers} concurrent readers, timeouts ${frontTimeoutMs} ms`,
)
console.table(rows)
