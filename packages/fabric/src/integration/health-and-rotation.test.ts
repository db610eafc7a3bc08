import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway'
import {
  connectFailover,
  type FailoverConnectOptions,
  type FailoverGateway,
} from '@steadfast/fabric'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { assetId, baseOptions, type FabricTarget, startFabricTarget } from './fabric-target.js'

let target: FabricTarget
const gateways: FailoverGateway[] = []
let healthz: Server
let healthzStatus = 200

beforeAll(async () => {
  target = await startFabricTarget(2)
  healthz = createServer((_req, res) => {
    res.statusCode = healthzStatus
    res.end(healthzStatus === 200 ? '{"status":"OK"}' : '{"status":"Service Unavailable"}')
  })
  await new Promise<void>((resolve) => healthz.listen(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()))
  await new Promise((resolve) => healthz?.close(resolve))
  await target?.close()
})

function open(extra: Partial<FailoverConnectOptions>) {
  const gateway = connectFailover({
    ...baseOptions(target),
    health: { intervalMs: 200, timeoutMs: 3_000, rise: 1, fall: 1 },
    ...extra,
  })
  gateways.push(gateway)
  return gateway
}

/** Collects the transaction ids of this run's events (real peers may have other writers). */
async function collect(events: AsyncIterable<ChaincodeEvent>, into: string[]) {
  const prefix = assetId('')
  for await (const event of events) {
    if (Buffer.from(event.payload).toString().includes(`"ID":"${prefix}`))
      into.push(event.transactionId)
  }
}

describe('health and connection rotation', () => {
  it('behavior: a peer whose operations /healthz fails is taken out of rotation', async () => {
    const url = `http://127.0.0.1:${(healthz.address() as AddressInfo).port}/healthz`
    const [first, second] = target.peers
    if (!first || !second) throw new Error('two peers expected')
    const gateway = open({ peers: [{ ...first, healthzUrl: url }, second] })
    const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
    await contract.evaluateTransaction('GetAllAssets')
    healthzStatus = 503
    try {
      await vi.waitFor(() => {
        expect(gateway.status()[0]).toMatchObject({ state: 'unhealthy' })
        expect(gateway.status()[0]?.lastError).toContain('healthz answered 503')
      }, 10_000)
      expect(gateway.endpointSet.current()?.id).toBe(second.id)
    } finally {
      healthzStatus = 200
    }
    await vi.waitFor(() => expect(gateway.status()[0]?.state).toBe('healthy'), 10_000)
  })

  it('behavior: connections are replaced at their maximum age, calls and events carry on', async () => {
    const gateway = open({ maxConnectionAgeMs: 400, maxConnectionAgeJitter: 0.1 })
    const network = gateway.getNetwork(target.channelName)
    const contract = network.getContract(target.chaincodeName)
    const seen: string[] = []
    const events = await network.getChaincodeEvents(target.chaincodeName)
    const collecting = collect(events, seen)
    const before = target.faults.map((f) => f.connections?.() ?? 0)
    const committed: string[] = []
    for (let i = 0; i < 8; i++) {
      const submitted = await contract.submitAsync('CreateAsset', {
        arguments: [assetId(`age-${i}`), 'blue', '1', 'Tom', '1'],
      })
      expect((await submitted.getStatus()).successful).toBe(true)
      committed.push(submitted.getTransactionId())
      await new Promise((r) => setTimeout(r, 150))
    }
    await vi.waitFor(() => expect(seen).toHaveLength(committed.length), 10_000)
    expect(seen).toEqual(committed)
    const after = target.faults.map((f) => f.connections?.() ?? 0)
    const opened = after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)
    // 8 x 150 ms with a 400 ms maximum age: several connections were replaced.
    expect(opened).toBeGreaterThanOrEqual(2)
    events.close()
    await collecting
  })

  it('behavior: streams dropped by the peer resume from their checkpoint, each event once', async () => {
    const gateway = open({})
    const network = gateway.getNetwork(target.channelName)
    const contract = network.getContract(target.chaincodeName)
    const seen: string[] = []
    const events = await network.getChaincodeEvents(target.chaincodeName)
    const collecting = collect(events, seen)
    const committed: string[] = []
    for (let i = 0; i < 6; i++) {
      const submitted = await contract.submitAsync('CreateAsset', {
        arguments: [assetId(`drop-${i}`), 'red', '1', 'Ann', '1'],
      })
      await submitted.getStatus()
      committed.push(submitted.getTransactionId())
      for (const faults of target.faults) await faults.dropStreams()
    }
    await vi.waitFor(() => expect(seen).toHaveLength(committed.length), 10_000)
    expect(seen).toEqual(committed)
    events.close()
    await collecting
  })
})
