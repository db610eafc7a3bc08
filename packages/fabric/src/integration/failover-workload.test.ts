import * as grpc from '@grpc/grpc-js'
import type { Contract } from '@hyperledger/fabric-gateway'
import { connectFailover, type FailoverGateway } from '@steadfast/fabric'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assetId,
  baseOptions,
  type FabricTarget,
  type PeerFaults,
  startFabricTarget,
} from './fabric-target.js'
import { plainGateway } from './plain-gateway.js'
import {
  blockTransactions,
  evaluateLoop,
  type Listeners,
  startListeners,
  submitWorkload,
  waitUntil,
} from './workload.js'

const SUBMITS_PER_SCENARIO = 40
let target: FabricTarget
let gateway: FailoverGateway
let contract: Contract
let listeners: Listeners
const committed: string[] = []
const SEED = assetId('seed-asset')

beforeAll(async () => {
  target = await startFabricTarget(3)
  gateway = connectFailover({
    ...baseOptions(target),
    health: { intervalMs: 200, timeoutMs: 1_000, rise: 2, fall: 2 },
    outlier: { baseEjectionMs: 1_000, maxEjectionMs: 2_000 },
    maxLag: 2,
    commitStatusHedgeMs: 1_000,
    drainTimeoutMs: 2_000,
    deadlines: { evaluateMs: 2_000, endorseMs: 3_000, submitMs: 2_000, commitStatusMs: 20_000 },
    set: { failbackAfterMs: 500 },
  })
  contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
  await contract.submitTransaction('CreateAsset', SEED, 'red', '1', 'Ann', '1')
  listeners = await startListeners(gateway.getNetwork(target.channelName), target.chaincodeName)
})

afterAll(async () => {
  listeners?.close()
  await gateway?.close()
  await target?.close()
})

const primaryId = () => target.peers[0]?.id
const faults = (): PeerFaults => target.faults[0] as PeerFaults

/** Runs the workload with the fault on the connected peer between 20% and 80% of it. */
async function scenario(
  prefix: string,
  inject: () => Promise<void>,
  heal: () => Promise<void>,
  plainFails: (plain: Contract) => Promise<unknown>,
) {
  // Every scenario starts on the preferred peer, with every peer healthy.
  const ready = () =>
    gateway.endpointSet.current()?.id === primaryId() &&
    gateway.status().every((s) => s.state === 'healthy')
  await waitUntil(ready)
  const failovers: string[] = []
  const off = gateway.endpointSet.on('failover', (e) => failovers.push(e.from))
  const states: string[] = []
  const offState = gateway.endpointSet.on('stateChange', (e) => {
    if (e.endpoint === primaryId()) states.push(e.to)
  })
  // Plain fabric-gateway, connected to the same peer before the fault (a fresh client each time,
  // so an earlier fault's reconnect backoff cannot answer for this one).
  const plain = plainGateway(target, 0)
  const plainContract = plain.gateway
    .getNetwork(target.channelName)
    .getContract(target.chaincodeName)
  await plainContract
    .newProposal('ReadAsset', { arguments: [SEED] })
    .evaluate({ deadline: Date.now() + 15_000 })
  const evaluations = evaluateLoop(contract, SEED)
  let plainError: unknown
  const result = await submitWorkload(contract, {
    prefix: assetId(prefix),
    count: SUBMITS_PER_SCENARIO,
    onProgress: async (done) => {
      if (done === 8) {
        await inject()
        plainError = await plainFails(plainContract).then(
          () => undefined,
          (e: unknown) => e,
        )
      }
      if (done === 32) await heal()
    },
  })
  const evaluated = await evaluations.stop()
  plain.close()
  off()
  offState()
  committed.push(...result.transactionIds)
  expect(result.failures).toEqual([])
  expect(result.transactionIds).toHaveLength(SUBMITS_PER_SCENARIO)
  expect(evaluated.failures).toEqual([])
  expect(evaluated.ok).toBeGreaterThan(0)
  return { plainError, failovers, states }
}

/**
 * The gateway noticed the fault: a call failed over from the peer, or probes (unhealthy) or
 * call failures (ejected) took it out of rotation — whichever came first on a loaded machine.
 */
function faultSeen(r: { failovers: string[]; states: string[] }): boolean {
  const primary = primaryId()
  return (
    (primary !== undefined && r.failovers.includes(primary)) ||
    r.states.some((s) => s === 'unhealthy' || s === 'ejected')
  )
}

describe('Fabric failover gateway under faults of the connected peer', () => {
  it('behavior: zero failed calls when the connected peer is killed', async () => {
    const r = await scenario(
      'kill',
      () => faults().kill(),
      () => faults().restart(),
      (plain) => plain.evaluateTransaction('ReadAsset', SEED),
    )
    expect(r.plainError).toMatchObject({ code: grpc.status.UNAVAILABLE })
    expect(faultSeen(r)).toBe(true)
  })

  it('behavior: zero failed calls when the connected peer hangs', async () => {
    const r = await scenario(
      'hang',
      () => faults().hang(),
      () => faults().resume(),
      (plain) => plain.evaluateTransaction('ReadAsset', SEED),
    )
    // A hung peer: the plain call hits its deadline. (Real peers hang through a proxy, which
    // first resets open connections: the plain client then fails UNAVAILABLE while reconnecting.)
    const expected = [grpc.status.DEADLINE_EXCEEDED]
    if (target.external) expected.push(grpc.status.UNAVAILABLE)
    expect(expected).toContain((r.plainError as { code?: number } | undefined)?.code)
    expect(faultSeen(r)).toBe(true)
  })

  it('behavior: zero failed calls when the connected peer answers UNAVAILABLE', async () => {
    const r = await scenario(
      'unavailable',
      () => faults().setUnavailable(true),
      () => faults().setUnavailable(false),
      (plain) => plain.evaluateTransaction('ReadAsset', SEED),
    )
    expect(r.plainError).toMatchObject({ code: grpc.status.UNAVAILABLE })
    expect(faultSeen(r)).toBe(true)
  })

  it.skipIf(process.env.STEADFAST_FABRIC_PEERS)(
    'behavior: zero failed calls and no stale commit wait when the connected peer lags',
    async () => {
      const lag = (on: boolean) => async () => faults().setLag?.(on)
      const r = await scenario('lag', lag(true), lag(false), (plain) =>
        plain.submitTransaction('CreateAsset', assetId('plain-lag'), 'x', '1', 'y', '1'),
      )
      // Plain fabric-gateway waits for a commit the lagging peer never sees.
      expect(r.plainError).toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED })
      expect(r.states).toContain('degraded')
    },
  )

  it('behavior: zero failed calls through a rebalance triggered mid-stream', async () => {
    const rebalances: Array<string | undefined> = []
    const off = gateway.endpointSet.on('rebalance', (e) => rebalances.push(e.from))
    const connectionsBefore = faults().connections?.()
    await scenario(
      'rebalance',
      async () => gateway.rebalance({ reason: 'test', from: primaryId() }),
      async () => {},
      async () => {},
    )
    off()
    expect(rebalances).toContain(primaryId())
    // The connection to the peer was replaced (a new TCP connection), not kept.
    if (connectionsBefore !== undefined) {
      expect(faults().connections?.()).toBeGreaterThan(connectionsBefore)
    }
  })

  it('behavior: each transaction committed exactly once, every event delivered once in order', async () => {
    const ledger = target.ledger
    if (ledger) {
      for (const txId of committed)
        expect(
          ledger()
            .commits(txId)
            .filter((c) => c === 0),
        ).toHaveLength(1)
    }
    // Wait until the block listener has seen every committed transaction.
    const seenTxs = () =>
      new Set(listeners.blocks.flatMap((b) => blockTransactions(b).txs.map((t) => t.transactionId)))
    await waitUntil(() => {
      const seen = seenTxs()
      return committed.every((txId) => seen.has(txId))
    })
    const numbers = listeners.blocks.map((b) => blockTransactions(b).number)
    const first = numbers[0] ?? 0
    expect(numbers).toEqual(numbers.map((_, i) => first + i))
    const validTxs = listeners.blocks.flatMap((b) =>
      blockTransactions(b)
        .txs.filter((t) => t.valid)
        .map((t) => t.transactionId),
    )
    const ours = new Set(committed)
    const eventTxs = () => listeners.events.map((e) => e.transactionId)
    await waitUntil(() => eventTxs().filter((t) => ours.has(t)).length >= committed.length)
    // Every committed transaction's event exactly once, in ledger order; no event twice.
    expect(eventTxs().filter((t) => ours.has(t))).toEqual(validTxs.filter((t) => ours.has(t)))
    expect(new Set(eventTxs()).size).toBe(eventTxs().length)
    expect(validTxs.filter((t) => ours.has(t))).toHaveLength(committed.length)
    // On testkit's peers nobody else writes: the two streams match entirely.
    if (!target.external) expect(eventTxs()).toEqual(validTxs)
    expect(listeners.errors).toEqual([])
  })
})
