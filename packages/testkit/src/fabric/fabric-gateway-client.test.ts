import { createPrivateKey } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import { connect, type Gateway, hash, signers } from '@hyperledger/fabric-gateway'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FabricNetwork, type FabricPeer, startFabricNetwork } from './index.js'

let network: FabricNetwork
const clients: grpc.Client[] = []

function gatewayFor(peer: FabricPeer, options: { override?: boolean } = {}): Gateway {
  const credentials = grpc.credentials.createSsl(network.tlsRootCert)
  const channelOptions =
    options.override === false ? {} : { 'grpc.ssl_target_name_override': peer.hostName }
  const client = new grpc.Client(peer.address, credentials, channelOptions)
  clients.push(client)
  return connect({
    client,
    identity: { mspId: network.client.mspId, credentials: network.client.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 5_000 }),
    submitOptions: () => ({ deadline: Date.now() + 5_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 10_000 }),
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
    expect(err).toMatchObject({ name: 'EndorseError', code: grpc.status.ABORTED })
    expect((err as { details: Array<{ message: string }> }).details[0]?.message).toContain(
      'The asset missing does not exist',
    )
  })

  it('error: dialing without the TLS server name override fails', async () => {
    const contract = gatewayFor(network.peers[0] as FabricPeer, { override: false })
      .getNetwork('mychannel')
      .getContract('basic')
    await expect(contract.evaluateTransaction('AssetExists', 'tls1')).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    })
  })
})
