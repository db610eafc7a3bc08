/**
 * Chaos matrix, Fabric adapter: faults of the preferred peer × policy, each under steady load
 * (fabric's integration workload: concurrent submits awaited to commit, an evaluate loop, a
 * chaincode-event listener). Invariants per cell: every submit committed exactly once (the
 * shared ledger's VALID count per transaction id), every event delivered exactly once, no failed
 * call; all peers down gives a typed error, and one peer back serves again.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { connectFailover, type FailoverGateway } from '@steadfast/fabric'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  baseOptions,
  type FabricTarget,
  type PeerFaults,
  startFabricTarget,
} from '../../packages/fabric/src/integration/fabric-target.js'
import {
  evaluateLoop,
  type Listeners,
  startListeners,
  submitWorkload,
} from '../../packages/fabric/src/integration/workload.js'
import { type ChaosPolicy, flap, LONG, POLICIES, retries, windowMs } from './support/chaos-mode.js'
import { flush, tally } from './support/figures.js'

const SUBMITS = LONG ? 40 : 12

let target: FabricTarget
beforeAll(async () => {
  target = await startFabricTarget(3)
})
afterAll(async () => {
  await target?.close()
  flush()
})

const hold = (ms: number) => sleep(windowMs(ms))
const FAULTS: Array<[string, (f: PeerFaults) => Promise<void>]> = [
  [
    'killed',
    async (f) => {
      await f.kill()
      await hold(1500)
      await f.restart()
    },
  ],
  [
    'paused',
    async (f) => {
      await f.hang()
      await hold(1500)
      await f.resume()
    },
  ],
  [
    'hung (blackhole)',
    async (f) => {
      await f.setProxyMode({ kind: 'hang' })
      await hold(1500)
      await f.setProxyMode({ kind: 'pass' })
    },
  ],
  [
    'reset',
    async (f) => {
      await f.setProxyMode({ kind: 'reset' })
      await hold(1500)
      await f.setProxyMode({ kind: 'pass' })
    },
  ],
  [
    'slow 300 ms',
    async (f) => {
      await f.setProxyMode({ kind: 'slow', delayMs: 300 })
      await hold(1500)
      await f.setProxyMode({ kind: 'pass' })
    },
  ],
  [
    'cut mid-stream',
    async (f) => {
      await f.setProxyMode({ kind: 'cut', afterBytes: 3000 })
      await hold(1500)
      await f.setProxyMode({ kind: 'pass' })
    },
  ],
  [
    'answering UNAVAILABLE',
    async (f) => {
      await f.setUnavailable(true)
      await hold(1500)
      await f.setUnavailable(false)
    },
  ],
  [
    'lagging',
    async (f) => {
      f.setLag?.(true)
      await hold(2000)
      f.setLag?.(false)
    },
  ],
  [
    'flapping down/up every 1 s',
    (f) =>
      flap(
        () => f.setProxyMode({ kind: 'down' }),
        () => f.setProxyMode({ kind: 'pass' }),
        1000,
        windowMs(4000),
      ),
  ],
]

function connect(policy: ChaosPolicy): FailoverGateway {
  return connectFailover({
    ...baseOptions(target),
    policy,
    health: { intervalMs: 200, timeoutMs: 1_000, rise: 2, fall: 2 },
    outlier: { baseEjectionMs: 1_000, maxEjectionMs: 2_000 },
    maxLag: 2,
    commitStatusHedgeMs: 1_000,
    drainTimeoutMs: 2_000,
    deadlines: { evaluateMs: 2_000, endorseMs: 3_000, submitMs: 2_000, commitStatusMs: 20_000 },
    set: { failbackAfterMs: 500 },
  })
}

describe.each(POLICIES)('chaos fabric × %s', (policy) => {
  let gateway: FailoverGateway
  let listeners: Listeners
  const seed = `seed-${policy}-${Date.now()}`
  beforeAll(async () => {
    gateway = connect(policy)
    const network = gateway.getNetwork(target.channelName)
    await network.getContract(target.chaincodeName).submitTransaction(...createArgs(seed))
    listeners = await startListeners(network, target.chaincodeName)
  })
  afterAll(async () => {
    listeners?.close()
    await gateway?.close()
  })

  it.each(FAULTS)(
    'behavior: under load, first peer %s: every submit committed once, every event once, no failed call',
    { timeout: 120_000, retry: retries(0) },
    async (name, fault) => {
      const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
      const evaluations = evaluateLoop(contract, seed)
      let faultRun: Promise<void> | undefined
      const result = await submitWorkload(contract, {
        prefix: `${policy}-${name.replace(/\W+/g, '-')}-${Date.now()}`,
        count: SUBMITS,
        concurrency: 3,
        onProgress: (done) => {
          if (done === 3) faultRun = fault(target.faults[0]!)
        },
      })
      await faultRun
      const evaluated = await evaluations.stop()
      expect(result.failures).toEqual([])
      expect(result.transactionIds).toHaveLength(SUBMITS)
      expect(evaluated.failures).toEqual([])
      const ledger = target.ledger?.()
      if (ledger)
        for (const id of result.transactionIds)
          expect(
            ledger.commits(id).filter((c) => c === 0),
            id,
          ).toHaveLength(1)
      // Every committed transaction's event arrives, once.
      const deadline = Date.now() + 30_000
      const seen = () => new Set(listeners.events.map((e) => e.transactionId))
      while (result.transactionIds.some((id) => !seen().has(id)) && Date.now() < deadline)
        await sleep(100)
      for (const id of result.transactionIds)
        expect(
          listeners.events.filter((e) => e.transactionId === id),
          id,
        ).toHaveLength(1)
      expect(listeners.errors).toEqual([])
      tally('fabricSubmits', result.transactionIds.length)
      tally('faultsSurvived')
    },
  )

  it('error: every peer down gives a typed error; one peer back and calls recover', {
    timeout: 120_000,
  }, async () => {
    const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
    await Promise.all(target.faults.map((f) => f.setProxyMode({ kind: 'down' })))
    try {
      const error = await contract.evaluateTransaction('ReadAsset', seed).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(String((error as { code?: unknown })?.code)).toMatch(
        /^(ENDPOINTS_EXHAUSTED|NO_ENDPOINT_AVAILABLE|DEADLINE_EXCEEDED)$/,
      )
    } finally {
      await target.faults[2]!.setProxyMode({ kind: 'pass' })
    }
    let read: unknown
    const deadline = Date.now() + 30_000
    while (!(read instanceof Uint8Array) && Date.now() < deadline) {
      read = await contract.evaluateTransaction('ReadAsset', seed).catch((e: unknown) => e)
      if (!(read instanceof Uint8Array)) await sleep(200)
    }
    expect(read).toBeInstanceOf(Uint8Array)
    await Promise.all(target.faults.map((f) => f.setProxyMode({ kind: 'pass' })))
    tally('faultsSurvived')
  })
})

function createArgs(id: string): [string, string, string, string, string, string] {
  return ['CreateAsset', id, 'red', '1', 'Ann', '1']
}
