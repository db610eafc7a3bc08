import { createPrivateKey, randomBytes } from 'node:crypto'
import { status } from '@grpc/grpc-js'
import { connect, type Gateway, hash, type Signer, signers } from '@hyperledger/fabric-gateway'
import { common, peer as peerProtos } from '@hyperledger/fabric-protos'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createThrowawayCa,
  type FabricNetwork,
  fabricGrpcClient,
  startFabricNetwork,
} from './index.js'

const { TxValidationCode } = peerProtos
let network: FabricNetwork
const gateways: Gateway[] = []

function gatewayWith(signer?: Signer, credentials?: Buffer): Gateway {
  const peer = network.peers[0]
  if (peer === undefined) throw new Error('no peer')
  const gateway = connect({
    client: fabricGrpcClient(network, peer),
    identity: { mspId: network.mspId, credentials: credentials ?? network.client.certificate },
    signer: signer ?? signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
    hash: hash.sha256,
  })
  gateways.push(gateway)
  return gateway
}

const contractOf = (gateway: Gateway, name = network.chaincodeName) =>
  gateway.getNetwork(network.channelName).getContract(name)

beforeAll(async () => {
  network = await startFabricNetwork({ peers: 1 })
})

afterAll(async () => {
  for (const gateway of gateways) gateway.close()
  await network?.close()
})

async function firstFilteredBlock(gateway: Gateway, block: bigint) {
  const blocks = await gateway
    .getNetwork(network.channelName)
    .getFilteredBlockEvents({ startBlock: block })
  try {
    for await (const filtered of blocks) return filtered
  } finally {
    blocks.close()
  }
  throw new Error('block stream ended')
}

describe('fabric test peers: validation', () => {
  it('behavior: a resubmitted transaction is committed once and marked DUPLICATE_TXID in a later block', async () => {
    const gateway = gatewayWith()
    const proposal = contractOf(gateway).newProposal('CreateAsset', {
      arguments: ['dup1', 'blue', '1', 'Al', '1'],
    })
    const transaction = await proposal.endorse()
    const first = await (await transaction.submit()).getStatus()
    expect(first.code).toBe(TxValidationCode.VALID)
    // The same signed envelope again, as a client retrying Submit on another peer would send it.
    await transaction.submit()
    const later = await firstFilteredBlock(gateway, first.blockNumber + 1n)
    const duplicate = later
      .getFilteredTransactionsList()
      .find((tx) => tx.getTxid() === transaction.getTransactionId())
    expect(duplicate?.getTxValidationCode()).toBe(TxValidationCode.DUPLICATE_TXID)
    expect(network.ledger().commits(transaction.getTransactionId())).toEqual([
      TxValidationCode.VALID,
      TxValidationCode.DUPLICATE_TXID,
    ])
    const qscc = contractOf(gateway, 'qscc')
    const processed = peerProtos.ProcessedTransaction.deserializeBinary(
      await qscc.evaluateTransaction(
        'GetTransactionByID',
        network.channelName,
        transaction.getTransactionId(),
      ),
    )
    expect(processed.getValidationcode()).toBe(TxValidationCode.VALID)
    const again = await proposal.endorse().catch((err: unknown) => err)
    expect(again).toMatchObject({ name: 'EndorseError', code: status.ABORTED })
  })

  it('behavior: concurrent updates of one asset commit one and fail the other with MVCC_READ_CONFLICT', async () => {
    const contract = contractOf(gatewayWith())
    await contract.submitTransaction('CreateAsset', 'mvcc1', 'blue', '1', 'Al', '1')
    // Both endorsed before either commits: both read the same version of mvcc1.
    const a = await contract.newProposal('TransferAsset', { arguments: ['mvcc1', 'Bea'] }).endorse()
    const b = await contract.newProposal('TransferAsset', { arguments: ['mvcc1', 'Cid'] }).endorse()
    const statusA = await (await a.submit()).getStatus()
    const statusB = await (await b.submit()).getStatus()
    expect(statusA).toMatchObject({ successful: true, code: TxValidationCode.VALID })
    expect(statusB).toMatchObject({ successful: false, code: TxValidationCode.MVCC_READ_CONFLICT })
    const asset = JSON.parse(
      Buffer.from(await contract.evaluateTransaction('ReadAsset', 'mvcc1')).toString(),
    )
    expect(asset.Owner).toBe('Bea')
  })

  it('error: a proposal with a bad signature is refused before the chaincode runs', async () => {
    const garbage: Signer = async () => randomBytes(70)
    const err = await contractOf(gatewayWith(garbage))
      .evaluateTransaction('AssetExists', 'x')
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: status.FAILED_PRECONDITION })
    expect(String((err as Error).message)).toContain('error validating proposal')
  })

  it('error: a certificate from another CA is refused (access denied)', async () => {
    const stranger = createThrowawayCa({ organization: 'org9.example.com' }).issue({
      commonName: 'User9',
      usage: 'client',
    })
    const signer = signers.newPrivateKeySigner(createPrivateKey(stranger.privateKey))
    const err = await contractOf(gatewayWith(signer, stranger.certificate))
      .evaluateTransaction('AssetExists', 'x')
      .catch((e: unknown) => e)
    expect(String((err as Error).message)).toContain('access denied')
  })

  it('error: a transaction envelope with a bad signature is refused by Submit', async () => {
    const real = signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey))
    let calls = 0
    const secondCallGarbage: Signer = async (digest) =>
      ++calls === 2 ? randomBytes(70) : real(digest)
    const contract = contractOf(gatewayWith(secondCallGarbage))
    const err = await contract
      .submitTransaction('CreateAsset', 'sig1', 'blue', '1', 'Al', '1')
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'SubmitError', code: status.ABORTED })
    expect(network.ledger().commits((err as { transactionId: string }).transactionId)).toEqual([])
  })

  it('behavior: qscc GetChainInfo answers the peer height as a BlockchainInfo', async () => {
    const bytes = await contractOf(gatewayWith(), 'qscc').evaluateTransaction(
      'GetChainInfo',
      network.channelName,
    )
    const info = common.BlockchainInfo.deserializeBinary(bytes)
    expect(info.getHeight()).toBe(network.ledger().height)
    expect(info.getCurrentblockhash_asU8().length).toBe(32)
  })
})
