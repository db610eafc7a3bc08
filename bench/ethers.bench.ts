/**
 * @steadfast/ethers on the testkit's EVM replica set (3 ganache replicas behind fault proxies):
 * - healthy overhead of FailoverProvider against plain JsonRpcProvider on the same node, with the
 *   same ethers batching settings (ratio of mean latency);
 * - write throughput: concurrent senders of plain transfers (each awaits its send, not its
 *   receipt) through FailoverProvider and JsonRpcProvider on the same node (ratio of sends/s);
 *   FailoverProvider sends raw transactions one at a time and checks the replica holds each
 *   sender's previous one first, which this row prices;
 * - per fault on the primary (kill, hang, HTTP 500), under a steady read load: recovery time
 *   (longest stretch without a successful call), failed calls and p99 — FailoverProvider, ethers
 *   FallbackProvider and viem `fallback` side by side, in the same run.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import {
  FallbackProvider,
  FetchRequest,
  JsonRpcProvider,
  Network,
  type Provider,
  Wallet,
} from '../packages/ethers/node_modules/ethers/lib.esm/index.js'
import {
  createPublicClient,
  defineChain,
  fallback,
  http,
} from '../packages/ethers/node_modules/viem/_esm/index.js'
import { FailoverProvider } from '../packages/ethers/src/index.js'
import { type EvmReplicaSet, startEvmReplicaSet } from '../packages/testkit/src/evm/index.js'
import type { BenchContext } from './index.js'

type Read = () => Promise<unknown>
interface Client {
  name: string
  read: Read
  close(): Promise<void> | void
}
interface Sample {
  start: number
  end: number
  ok: boolean
}

const ATTEMPT_TIMEOUT_MS = 1000
const ethersOptions = {
  staticNetwork: true,
  cacheTimeout: -1,
  batchStallTime: 10,
  batchMaxCount: 100,
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}

function plain(url: string): JsonRpcProvider {
  const req = new FetchRequest(url)
  req.timeout = ATTEMPT_TIMEOUT_MS
  return new JsonRpcProvider(req, Network.from(1337), ethersOptions)
}

function clients(set: EvmReplicaSet, address: string): (() => Client)[] {
  const chain = defineChain({
    id: set.chainId,
    name: 'bench',
    nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [...set.urls] } },
  })
  return [
    () => {
      const p = new FailoverProvider([...set.urls], 1337, {
        ...ethersOptions,
        attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
        probeIntervalMs: 500,
        probeTimeoutMs: 500,
      })
      return { name: 'FailoverProvider', read: () => p.getBalance(address), close: () => p.close() }
    },
    () => {
      const inner = set.urls.map((url, i) => ({
        provider: plain(url),
        priority: i + 1,
        stallTimeout: 400,
        weight: 1,
      }))
      const p = new FallbackProvider(inner, Network.from(1337), { quorum: 1, cacheTimeout: -1 })
      return {
        name: 'ethers FallbackProvider',
        read: () => p.getBalance(address),
        close: () => {
          p.destroy()
          for (const i of inner) i.provider.destroy()
        },
      }
    },
    () => {
      const client = createPublicClient({
        chain,
        transport: fallback(
          set.urls.map((url) => http(url, { timeout: ATTEMPT_TIMEOUT_MS, retryCount: 0 })),
          { retryCount: 1 },
        ),
      })
      return {
        name: 'viem fallback',
        read: () => client.getBalance({ address: address as `0x${string}` }),
        close: () => {},
      }
    },
  ]
}

/** Runs `workers` loops of `read` for `ms`, calling `fault` at `faultAt` ms. */
async function load(
  read: Read,
  ms: number,
  workers: number,
  fault?: { at: number; run: () => Promise<void> },
) {
  const samples: Sample[] = []
  const t0 = performance.now()
  let faultStart = Number.NaN
  let faultRun: Promise<void> | undefined
  if (fault) {
    faultRun = sleep(fault.at).then(() => {
      faultStart = performance.now()
      return fault.run()
    })
  }
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() - t0 < ms) {
        const start = performance.now()
        const ok = await read().then(
          () => true,
          () => false,
        )
        samples.push({ start, end: performance.now(), ok })
        await sleep(10)
      }
    }),
  )
  await faultRun
  return { samples, faultStart }
}

function summarize(samples: Sample[], faultStart: number) {
  const lat = samples.filter((s) => s.ok).map((s) => s.end - s.start)
  const ends = samples
    .filter((s) => s.ok && s.end >= faultStart)
    .map((s) => s.end)
    .sort((a, b) => a - b)
  let gap = 0
  let prev = faultStart
  for (const e of ends) {
    gap = Math.max(gap, e - prev)
    prev = e
  }
  return {
    calls: samples.length,
    failed: samples.filter((s) => !s.ok).length,
    p50: quantile(lat, 0.5).toFixed(1),
    p99: quantile(lat, 0.99).toFixed(1),
    recoveryMs: Number.isNaN(faultStart) ? '-' : gap.toFixed(0),
  }
}

async function healthy(ctx: BenchContext, set: EvmReplicaSet, address: string) {
  const rows: Record<string, string | number>[] = []
  const candidates: Client[] = [
    (() => {
      const p = plain(set.urls[0]!)
      return {
        name: 'JsonRpcProvider',
        read: () => p.getBalance(address),
        close: () => p.destroy(),
      }
    })(),
    clients(set, address)[0]!(),
  ]
  // Rounds alternate between the two clients so machine load drifts hit both alike; each
  // figure is the median over rounds.
  const rounds = ctx.quick ? 3 : 5
  for (const c of candidates) await c.read() // warm-up: connection, first probe round
  for (const workers of [1, 8]) {
    const per = candidates.map(() => ({
      means: [] as number[],
      p99s: [] as number[],
      calls: [] as number[],
    }))
    for (let r = 0; r < rounds; r++) {
      for (const [i, c] of candidates.entries()) {
        const { samples } = await load(c.read, ctx.quick ? 600 : 1500, workers)
        const lat = samples.map((s) => s.end - s.start)
        per[i]!.means.push(lat.reduce((a, b) => a + b, 0) / lat.length)
        per[i]!.p99s.push(quantile(lat, 0.99))
        per[i]!.calls.push(samples.length)
      }
    }
    const med = (xs: number[]) => quantile(xs, 0.5)
    for (const [i, c] of candidates.entries()) {
      rows.push({
        client: c.name,
        workers,
        callsPerRound: med(per[i]!.calls),
        meanMs: med(per[i]!.means).toFixed(2),
        p99Ms: med(per[i]!.p99s).toFixed(2),
      })
    }
    rows.push({
      client: 'ratio Failover / JsonRpc (mean)',
      workers,
      callsPerRound: '-',
      meanMs: (med(per[1]!.means) / med(per[0]!.means)).toFixed(2),
      p99Ms: (med(per[1]!.p99s) / med(per[0]!.p99s)).toFixed(2),
    })
  }
  for (const c of candidates) await c.close()
  ctx.table('ethers: healthy overhead, same node, same batching (getBalance)', rows)
}

async function faults(ctx: BenchContext, set: EvmReplicaSet, address: string) {
  const window = ctx.quick ? 1500 : 3000
  const duration = ctx.quick ? 5000 : 8000
  const primary = set.replicas[0]!
  const scenarios: { name: string; run: () => Promise<void> }[] = [
    {
      name: 'kill',
      run: async () => {
        await primary.kill()
        await sleep(window)
        await primary.restart()
      },
    },
    {
      name: 'hang',
      run: async () => {
        await primary.proxy.setMode({ kind: 'hang' })
        await sleep(window)
        await primary.proxy.setMode({ kind: 'pass' })
      },
    },
    {
      name: 'HTTP 500',
      run: async () => {
        await primary.proxy.setMode({ kind: 'http', status: 500, body: 'error' })
        await sleep(window)
        await primary.proxy.setMode({ kind: 'pass' })
      },
    },
  ]
  const rows: Record<string, string | number>[] = []
  for (const scenario of scenarios) {
    for (const make of clients(set, address)) {
      const c = make()
      await c.read().catch(() => {})
      const { samples, faultStart } = await load(c.read, duration, 4, {
        at: 1000,
        run: scenario.run,
      })
      rows.push({ fault: scenario.name, client: c.name, ...summarize(samples, faultStart) })
      await c.close()
      await set.sync()
    }
  }
  ctx.table(`ethers: fault on the primary for ${window} ms under 4 concurrent readers (ms)`, rows)
}

async function writes(ctx: BenchContext, set: EvmReplicaSet) {
  const senders = set.accounts.slice(1, 5)
  const perSender = ctx.quick ? 10 : 30
  const sink = set.accounts[9]!.address
  const rounds = ctx.quick ? 2 : 3
  const candidates: { name: string; make: () => { provider: Provider; close(): void } }[] = [
    {
      name: 'JsonRpcProvider',
      make: () => {
        const p = plain(set.urls[0]!)
        return { provider: p, close: () => p.destroy() }
      },
    },
    {
      name: 'FailoverProvider',
      make: () => {
        const p = new FailoverProvider([...set.urls], 1337, {
          ...ethersOptions,
          attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
        })
        return { provider: p, close: () => p.destroy() }
      },
    },
  ]
  const rates = candidates.map(() => [] as number[])
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of candidates.entries()) {
      const { provider, close } = c.make()
      await provider.getBlockNumber() // warm-up
      const started = performance.now()
      await Promise.all(
        senders.map(async (account) => {
          const wallet = new Wallet(account.privateKey, provider)
          let nonce = await provider.getTransactionCount(wallet.address, 'pending')
          for (let k = 0; k < perSender; k++)
            await wallet.sendTransaction({ to: sink, value: 1n, nonce: nonce++, gasLimit: 21_000n })
        }),
      )
      rates[i]!.push((senders.length * perSender * 1000) / (performance.now() - started))
      close()
      await set.sync()
    }
  }
  const med = (xs: number[]) => quantile(xs, 0.5)
  const rows: Record<string, string | number>[] = candidates.map((c, i) => ({
    client: c.name,
    senders: senders.length,
    sends: senders.length * perSender,
    sendsPerSecond: med(rates[i]!).toFixed(1),
  }))
  rows.push({
    client: 'ratio Failover / JsonRpc (sends/s)',
    senders: senders.length,
    sends: '-',
    sendsPerSecond: (med(rates[1]!) / med(rates[0]!)).toFixed(2),
  })
  ctx.table('ethers: write throughput, concurrent senders, same node (each awaits its send)', rows)
}

export default async function run(ctx: BenchContext): Promise<void> {
  const set = await startEvmReplicaSet({ replicas: 3, chainId: 1337 })
  try {
    const address = set.accounts[0]!.address
    await healthy(ctx, set, address)
    await writes(ctx, set)
    await faults(ctx, set, address)
  } finally {
    await set.close()
  }
}
