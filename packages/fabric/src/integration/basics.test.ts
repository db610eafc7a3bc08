import { connectFailover, type FailoverGateway } from '@steadfast/fabric'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FabricTarget, startFabricTarget } from './fabric-target.js'

let target: FabricTarget
let gateway: FailoverGateway

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8')

beforeAll(async () => {
  target = await startFabricTarget(3)
  gateway = connectFailover({
    peers: target.peers,
    identity: target.identity,
    signer: target.signer,
    hash: target.hash,
    channelName: target.channelName,
    health: { intervalMs: 300, timeoutMs: 1_000 },
    deadlines: { evaluateMs: 2_000, endorseMs: 3_000, submitMs: 2_000, commitStatusMs: 10_000 },
  })
})

afterAll(async () => {
  await gateway?.close()
  await target?.close()
})

describe('connectFailover basics', () => {
  it('behavior: submits and evaluates through the failover gateway', async () => {
    const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
    await contract.submitTransaction('CreateAsset', 'b1', 'blue', '5', 'Tom', '300')
    const read = JSON.parse(text(await contract.evaluateTransaction('ReadAsset', 'b1')))
    expect(read.Owner).toBe('Tom')
  })

  it('behavior: evaluate moves on when the first peer is killed', async () => {
    const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
    await target.faults[0]?.kill()
    try {
      const read = JSON.parse(text(await contract.evaluateTransaction('ReadAsset', 'b1')))
      expect(read.Owner).toBe('Tom')
      await contract.submitTransaction('TransferAsset', 'b1', 'Ann')
    } finally {
      await target.faults[0]?.restart()
    }
  })

  it('error: a chaincode error is returned as is, never retried', async () => {
    const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
    const err = await contract.evaluateTransaction('ReadAsset', 'missing').catch((e) => e)
    expect(err).toMatchObject({ name: 'GatewayError', code: 2 })
    expect(String(err.message)).toContain('does not exist')
  })
})
