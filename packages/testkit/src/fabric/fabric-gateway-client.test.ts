import { createPrivateKey } from 'node:crypto'
import type * as grpc from '@grpc/grpc-js'
import { status } from '@grpc/grpc-js'
import { connect, type Gateway, hash, signers } from '@hyperledger/fabric-gateway'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type FabricNetwork,
  type FabricPeer,
  fabricGrpcClient,
  startFabricNetwork,
} from './index.js'

let network: FabricNetwork
const clients: grpc.Client[] = []

function gatewayFor(peer: FabricPeer, options: { override?: boolean } = {}): Gateway {
  const client = fabricGrpcClient(network, peer, { serverNameOverride: options.override !== false })
  clients.push(client)
  const deadline = () => ({ deadline: Date.now() + 5_000 })
  return connect({
    client,
    identity: { mspId: network.client.mspId, credentials: network.client.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
    hash: hash.sha256,
    evaluateOptions: deadline,
    endorseOptions: deadline,
    submitOptions: deadline,
  })
}

const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8'))

beforeAll(async () => {
  network = await startFabricNetwork({ peers: 3, tls: true })
})

afterAll(async () => {
  for (const client of clients) client.close()
  await network?.close()
})

describe('fabric test peers over TLS with the real fabric-gateway client', () => {
  it('behavior: submits a transaction and evaluates its result on another peer', async () => {
    const contract0 = gatewayFor(network.peers[0] as FabricPeer)
      .getNetwork('mychannel')
      .getContract('basic')
    const contract1 = gatewayFor(network.peers[1] as FabricPeer)
      .getNetwork('mychannel')
      .getContract('basic')
    const created = await contract0.submitTransaction(
      'CreateAsset',
      'tls1',
      'blue',
      '5',
      'Tom',
      '300',
    )
    expect(json(created)).toEqual({
      AppraisedValue: 300,
      Color: 'blue',
      ID: 'tls1',
      Owner: 'Tom',
      Size: 5,
    })
    const read = await contract1.evaluateTransaction('ReadAsset', 'tls1')
    expect(json(read).Owner).toBe('Tom')
  })

  it('behavior: commit status reports VALID with the block number', async () => {
    const contract = gatewayFor(network.peers[2] as FabricPeer)
      .getNetwork('mychannel')
      .getContract('basic')
    const submitted = await contract.submitAsync('CreateAsset', {
      arguments: ['tls2', 'red', '1', 'Ann', '10'],
    })
    const status = await submitted.getStatus()
    expect(status.successful).toBe(true)
    expect(status.code).toBe(0)
    expect(status.blockNumber).toBeGreaterThan(0n)
    expect(network.ledger().commits(submitted.getTransactionId())).toEqual([0])
  })

  it('error: a chaincode error is an EndorseError ABORTED with the peer detail', async () => {
    const contract = gatewayFor(network.peers[0] as FabricPeer)
      .getNetwork('mychannel')
      .getContract('basic')
    const err = await contract.submitTransaction('ReadAsset', 'missing').catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'EndorseError', code: status.ABORTED })
    expect((err as { details: Array<{ message: string }> }).details[0]?.message).toContain(
      'The asset missing does not exist',
    )
  })

  it('error: dialing without the TLS server name override fails', async () => {
    const contract = gatewayFor(network.peers[0] as FabricPeer, { override: false })
      .getNetwork('mychannel')
      .getContract('basic')
    await expect(contract.evaluateTransaction('AssetExists', 'tls1')).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    })
  })
})
