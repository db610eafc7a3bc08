import { createPrivateKey } from 'node:crypto'
import { status } from '@grpc/grpc-js'
import { type Contract, connect, type Gateway, hash, signers } from '@hyperledger/fabric-gateway'
import { common } from '@hyperledger/fabric-protos'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type FabricNetwork,
  type FabricPeer,
  fabricGrpcClient,
  startFabricNetwork,
} from './index.js'

let network: FabricNetwork
const gateways: Gateway[] = []

/** A contract through a new connection to `peer`, with short deadlines. */
function contractOn(peer: FabricPeer | undefined, name?: string): Contract {
  if (peer === undefined) throw new Error('no such peer')
  const deadline = () => ({ deadline: Date.now() + 1_500 })
  const gateway = connect({
    // A private subchannel: a shared one may still be in reconnect backoff from a killed peer.
    client: fabricGrpcClient(network, peer, {
      channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
    }),
    identity: { mspId: network.mspId, credentials: network.client.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
    hash: hash.sha256,
    evaluateOptions: deadline,
    endorseOptions: deadline,
    submitOptions: deadline,
  })
  gateways.push(gateway)
  return gateway.getNetwork(network.channelName).getContract(name ?? network.chaincodeName)
}

async function chainHeight(peer: FabricPeer | undefined): Promise<number> {
  const bytes = await contractOn(peer, 'qscc').evaluateTransaction(
    'GetChainInfo',
    network.channelName,
  )
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight()
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok' as const,
    (err: { code?: number }) => err.code,
  )

beforeAll(async () => {
  network = await startFabricNetwork({ peers: 3 })
  await contractOn(network.peers[0]).submitTransaction('CreateAsset', 'f1', 'blue', '1', 'Al', '1')
})

afterAll(async () => {
  for (const gateway of gateways) gateway.close()
  await network?.close()
})

describe('fabric test peers: fault controls', () => {
  it('behavior: a killed peer refuses with UNAVAILABLE and serves again after restart', async () => {
    const peer = network.peers[1] as FabricPeer
    const contract = contractOn(peer)
    expect(await codeOf(contract.evaluateTransaction('AssetExists', 'f1'))).toBe('ok')
    await peer.kill()
    expect(await codeOf(contract.evaluateTransaction('AssetExists', 'f1'))).toBe(status.UNAVAILABLE)
    expect(await codeOf(contractOn(peer).evaluateTransaction('AssetExists', 'f1'))).toBe(
      status.UNAVAILABLE,
    )
    await contractOn(network.peers[0]).submitTransaction('CreateAsset', 'f2', 'red', '1', 'Bo', '1')
    await peer.restart()
    // Same port, same shared ledger: it knows what was committed while it was down.
    const exists = await contractOn(peer).evaluateTransaction('AssetExists', 'f2')
    expect(Buffer.from(exists).toString()).toBe('true')
  })

  it('behavior: a paused peer never answers (DEADLINE_EXCEEDED) until resumed', async () => {
    const peer = network.peers[2] as FabricPeer
    await peer.pause()
    expect(await codeOf(contractOn(peer).evaluateTransaction('AssetExists', 'f1'))).toBe(
      status.DEADLINE_EXCEEDED,
    )
    await peer.resume()
    expect(await codeOf(contractOn(peer).evaluateTransaction('AssetExists', 'f1'))).toBe('ok')
  })

  it('behavior: a lagging peer reports an older height and stale state, then catches up', async () => {
    const peer = network.peers[2] as FabricPeer
    peer.setLag(true)
    try {
      const before = await chainHeight(peer)
      await contractOn(network.peers[0]).submitTransaction(
        'CreateAsset',
        'f3',
        'green',
        '1',
        'Cy',
        '1',
      )
      expect(network.ledger().height).toBeGreaterThan(before)
      expect(await chainHeight(peer)).toBe(before)
      expect(peer.height()).toBe(before)
      const stale = await contractOn(peer).evaluateTransaction('AssetExists', 'f3')
      expect(Buffer.from(stale).toString()).toBe('false')
    } finally {
      peer.setLag(false)
    }
    expect(await chainHeight(peer)).toBe(network.ledger().height)
    expect(
      Buffer.from(await contractOn(peer).evaluateTransaction('AssetExists', 'f3')).toString(),
    ).toBe('true')
  })

  it('behavior: commit status through a lagging peer resolves once the peer has the block', async () => {
    const peer = network.peers[1] as FabricPeer
    peer.setLag(true)
    const contract = contractOn(peer)
    const submitted = await contract.submitAsync('CreateAsset', {
      arguments: ['f4', 'red', '2', 'Di', '2'],
    })
    const committed = submitted
      .getStatus()
      .then((s) => ({ ...s, heightWhenAnswered: peer.height() }))
    // The ledger commits the block; the lagging peer must not answer before it has it.
    while (network.ledger().commits(submitted.getTransactionId()).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    peer.setLag(false)
    const result = await committed
    expect(result.code).toBe(0)
    expect(result.heightWhenAnswered).toBeGreaterThan(Number(result.blockNumber))
  })

  it('behavior: unavailable mode answers every call with UNAVAILABLE', async () => {
    const peer = network.peers[0] as FabricPeer
    peer.setUnavailable(true)
    try {
      const err = await contractOn(peer)
        .evaluateTransaction('AssetExists', 'f1')
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: status.UNAVAILABLE })
      expect(String((err as Error).message)).toContain('unavailable')
    } finally {
      peer.setUnavailable(false)
    }
    expect(await codeOf(contractOn(peer).evaluateTransaction('AssetExists', 'f1'))).toBe('ok')
  })
})
