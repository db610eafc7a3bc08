import { createPrivateKey } from 'node:crypto'
import { status } from '@grpc/grpc-js'
import {
  type ChaincodeEvent,
  type Contract,
  checkpointers,
  connect,
  type Gateway,
  hash,
  type Network,
  signers,
} from '@hyperledger/fabric-gateway'
import { common, peer as peerProtos } from '@hyperledger/fabric-protos'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FabricNetwork, fabricGrpcClient, startFabricNetwork } from './index.js'

// Insecure mode here (TLS is covered by fabric-gateway-client.test.ts); blocks are cut by hand
// (cutBlock) so which transactions share a block is deterministic.
let network: FabricNetwork
let gateway: Gateway
let channel: Network
let contract: Contract

/** Submits the transactions, cuts one block holding all of them, returns their ids. */
async function submitInOneBlock(
  ...calls: Array<[string, ...string[]]>
): Promise<{ ids: string[]; block: bigint }> {
  const submitted = []
  // One after the other, so the block holds them in this order.
  for (const [fn, ...args] of calls)
    submitted.push(await contract.submitAsync(fn, { arguments: args }))
  network.cutBlock()
  const statuses = await Promise.all(submitted.map((s) => s.getStatus()))
  expect(new Set(statuses.map((s) => s.blockNumber)).size).toBe(1)
  return { ids: submitted.map((s) => s.getTransactionId()), block: statuses[0]?.blockNumber ?? 0n }
}

async function take<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) {
    out.push(item)
    if (out.length === count) break
  }
  return out
}

beforeAll(async () => {
  network = await startFabricNetwork({ peers: 2, tls: false, blockCutMs: 60_000 })
  const peer = network.peers[0]
  if (peer === undefined) throw new Error('no peer')
  gateway = connect({
    client: fabricGrpcClient(network, peer),
    identity: { mspId: network.mspId, credentials: network.client.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
    hash: hash.sha256,
  })
  channel = gateway.getNetwork(network.channelName)
  contract = channel.getContract(network.chaincodeName)
})

afterAll(async () => {
  gateway?.close()
  await network?.close()
})

describe('fabric test peers: events', () => {
  it('behavior: chaincode events replay from a start block with the asset JSON as payload', async () => {
    const { ids, block } = await submitInOneBlock(['CreateAsset', 'ev1', 'blue', '5', 'Tom', '300'])
    await submitInOneBlock(['TransferAsset', 'ev1', 'Ann'])
    const events = await channel.getChaincodeEvents(network.chaincodeName, { startBlock: block })
    try {
      const [created, transferred] = await take(events, 2)
      expect(created).toMatchObject({
        eventName: 'CreateAsset',
        transactionId: ids[0],
        blockNumber: block,
      })
      expect(JSON.parse(Buffer.from(created?.payload ?? []).toString())).toMatchObject({
        ID: 'ev1',
        Owner: 'Tom',
      })
      expect(transferred).toMatchObject({ eventName: 'TransferAsset', blockNumber: block + 1n })
    } finally {
      events.close()
    }
  })

  it('behavior: chaincode events resume after a checkpointed transaction id in the same block', async () => {
    const { ids, block } = await submitInOneBlock(
      ['CreateAsset', 'ev2', 'red', '1', 'Bo', '10'],
      ['CreateAsset', 'ev3', 'red', '1', 'Cy', '10'],
    )
    const checkpoint = checkpointers.inMemory()
    const first: ChaincodeEvent = {
      blockNumber: block,
      transactionId: ids[0] ?? '',
      chaincodeName: 'basic',
      eventName: 'CreateAsset',
      payload: new Uint8Array(),
    }
    await checkpoint.checkpointChaincodeEvent(first)
    const events = await channel.getChaincodeEvents(network.chaincodeName, { checkpoint })
    try {
      const [next] = await take(events, 1)
      expect(next?.transactionId).toBe(ids[1])
    } finally {
      events.close()
    }
  })

  it('behavior: block and filtered block events start at the requested block', async () => {
    const { ids, block } = await submitInOneBlock(['CreateAsset', 'ev4', 'green', '2', 'Di', '20'])
    const blocks = await channel.getBlockEvents({ startBlock: block })
    const filtered = await channel.getFilteredBlockEvents({ startBlock: block })
    try {
      const [full] = await take(blocks, 1)
      expect(full?.getHeader()?.getNumber()).toBe(Number(block))
      const envelope = common.Envelope.deserializeBinary(
        full?.getData()?.getDataList_asU8()[0] ?? new Uint8Array(),
      )
      const header = common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()
      expect(
        common.ChannelHeader.deserializeBinary(
          header?.getChannelHeader_asU8() ?? new Uint8Array(),
        ).getTxId(),
      ).toBe(ids[0])
      const [light] = await take(filtered, 1)
      const tx = light?.getFilteredTransactionsList()[0]
      expect(tx?.getTxid()).toBe(ids[0])
      expect(tx?.getTxValidationCode()).toBe(peerProtos.TxValidationCode.VALID)
    } finally {
      blocks.close()
      filtered.close()
    }
  })

  it('error: dropStreams ends an open chaincode event stream with UNAVAILABLE', async () => {
    const events = await channel.getChaincodeEvents(network.chaincodeName)
    const iterator = events[Symbol.asyncIterator]()
    const outcome = iterator.next().then(
      () => undefined,
      (err: unknown) => err,
    )
    let settled = false
    void outcome.finally(() => {
      settled = true
    })
    // The peer registers the stream when the call arrives (and a stream the client just closed
    // may still be registered): drop until this one has ended.
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      network.peers[0]?.dropStreams()
    }
    expect(await outcome).toMatchObject({ code: status.UNAVAILABLE })
    events.close()
  })
})
