/**
 * @steadfast/fabric against plain fabric-gateway, on testkit's in-process Fabric peers (TLS):
 * evaluate latency and throughput on one healthy peer (the overhead of the failover layer),
 * the time from a peer kill to the next successful evaluate, and the time an event stream
 * takes to resume on another peer.
 */
import type { Contract } from '../packages/fabric/node_modules/@hyperledger/fabric-gateway/dist/index.js'
import { connectFailover, type FailoverGateway } from '../packages/fabric/src/index.js'
import {
  type FabricTarget,
  startFabricTarget,
} from '../packages/fabric/src/integration/fabric-target.js'
import { plainGateway } from '../packages/fabric/src/integration/plain-gateway.js'
import type { BenchContext } from './index.js'

const SEED = 'bench-seed'

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)
  return { mean, p50: at(0.5), p99: at(0.99) }
}

async function latency(contract: Contract, n: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await contract.evaluateTransaction('ReadAsset', SEED)
    samples.push(performance.now() - t0)
  }
  return samples
}

async function throughput(contract: Contract, calls: number, concurrency = 16): Promise<number> {
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await contract.evaluateTransaction('ReadAsset', SEED)
    }),
  )
  return calls / ((performance.now() - t0) / 1000)
}

function failover(target: FabricTarget): FailoverGateway {
  return connectFailover({
    peers: target.peers,
    identity: target.identity,
    signer: target.signer,
    hash: target.hash,
    channelName: target.channelName,
    health: { intervalMs: 250, timeoutMs: 1_000, rise: 2, fall: 2 },
    outlier: { baseEjectionMs: 1_000, maxEjectionMs: 2_000 },
    set: { failbackAfterMs: 500 },
  })
}

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20))
}

/** Kill the connected peer while evaluating: time until an evaluate started after the kill succeeds. */
async function killToEvaluate(target: FabricTarget, gateway: FailoverGateway): Promise<number> {
  const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
  const killedAt = performance.now()
  await target.faults[0]?.kill()
  for (;;) {
    try {
      await contract.evaluateTransaction('ReadAsset', SEED)
      return performance.now() - killedAt
    } catch {
      // keep going: the measure is the first success
    }
  }
}

/** Kill the stream's peer, commit a transaction elsewhere: time until its event arrives. */
async function streamResume(target: FabricTarget, gateway: FailoverGateway, i: number) {
  const network = gateway.getNetwork(target.channelName)
  const events = await network.getChaincodeEvents(target.chaincodeName)
  const iterator = events[Symbol.asyncIterator]()
  const contract = network.getContract(target.chaincodeName)
  await contract.submitTransaction('CreateAsset', `warm-${i}`, 'b', '1', 'o', '1')
  await iterator.next()
  const killedAt = performance.now()
  await target.faults[0]?.kill()
  const submitted = await contract.submitAsync('CreateAsset', {
    arguments: [`resume-${i}`, 'b', '1', 'o', '1'],
  })
  for (;;) {
    const { value } = await iterator.next()
    if (value?.transactionId === submitted.getTransactionId()) break
  }
  const ms = performance.now() - killedAt
  events.close()
  return ms
}

async function healPrimary(target: FabricTarget, gateway: FailoverGateway) {
  await target.faults[0]?.restart()
  const primary = target.peers[0]?.id
  await waitUntil(
    () =>
      gateway.endpointSet.current()?.id === primary &&
      gateway.status().every((s) => s.state === 'healthy'),
  )
}

export default async function run(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 200 : 1_000
  const rounds = ctx.quick ? 2 : 5
  const target = await startFabricTarget(3)
  const gateway = failover(target)
  const plain = plainGateway(target, 0, 5_000)
  try {
    const fo = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
    const pl = plain.gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
    await fo.submitTransaction('CreateAsset', SEED, 'red', '1', 'Ann', '1')
    // Interleaved rounds after a warm-up, so both clients see the same machine load (the peers
    // run in this process too, and the machine is shared): latency over every sample, throughput
    // as the median round.
    await throughput(pl, 300)
    await throughput(fo, 300)
    const evalRounds = ctx.quick ? 4 : 8
    const per = Math.ceil(n / evalRounds)
    const samples = { plain: [] as number[], failover: [] as number[] }
    const rates = { plain: [] as number[], failover: [] as number[] }
    for (let round = 0; round < evalRounds; round++) {
      samples.plain.push(...(await latency(pl, per)))
      samples.failover.push(...(await latency(fo, per)))
      rates.plain.push(await throughput(pl, per * 2))
      rates.failover.push(await throughput(fo, per * 2))
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0
    const plainLatency = stats(samples.plain)
    const failoverLatency = stats(samples.failover)
    const plainRate = median(rates.plain)
    const failoverRate = median(rates.failover)
    const row = (name: string, l: ReturnType<typeof stats>, rate: number) => ({
      client: name,
      'mean ms': l.mean.toFixed(3),
      'p50 ms': l.p50.toFixed(3),
      'p99 ms': l.p99.toFixed(3),
      'evaluates/s (16 in flight, median)': Math.round(rate),
    })
    ctx.table(`Fabric evaluate on one healthy peer (${n} calls each, interleaved rounds, TLS)`, [
      row('plain fabric-gateway', plainLatency, plainRate),
      row('@steadfast/fabric', failoverLatency, failoverRate),
      {
        client: 'overhead ratio',
        'mean ms': (failoverLatency.mean / plainLatency.mean).toFixed(2),
        'p50 ms': (failoverLatency.p50 / plainLatency.p50).toFixed(2),
        'p99 ms': (failoverLatency.p99 / plainLatency.p99).toFixed(2),
        'evaluates/s (16 in flight, median)': (plainRate / failoverRate).toFixed(2),
      },
    ])
    const killMs: number[] = []
    const resumeMs: number[] = []
    for (let i = 0; i < rounds; i++) {
      await healPrimary(target, gateway)
      killMs.push(await killToEvaluate(target, gateway))
      await healPrimary(target, gateway)
      resumeMs.push(await streamResume(target, gateway, i))
    }
    await target.faults[0]?.restart()
    const plainAfterKill = await (async () => {
      await target.faults[0]?.kill()
      try {
        await pl.evaluateTransaction('ReadAsset', SEED)
        return 'succeeded'
      } catch (error) {
        return `fails: ${(error as Error).message.split('. ')[0]}`
      } finally {
        await target.faults[0]?.restart()
      }
    })()
    const s = (xs: number[]) => stats(xs)
    ctx.table(`Failover timings over ${rounds} kills of the connected peer`, [
      {
        measure: 'kill -> next successful evaluate (ms)',
        mean: s(killMs).mean.toFixed(1),
        max: Math.max(...killMs).toFixed(1),
        'plain fabric-gateway': plainAfterKill,
      },
      {
        measure: 'kill -> chaincode event stream resumed (ms)',
        mean: s(resumeMs).mean.toFixed(1),
        max: Math.max(...resumeMs).toFixed(1),
        'plain fabric-gateway': 'stream ends with UNAVAILABLE; the application must reopen it',
      },
    ])
  } finally {
    plain.close()
    await gateway.close()
    await target.close()
  }
}
