import { createPrivateKey } from 'node:crypto'
import { status } from '@grpc/grpc-js'
import { connect, hash, signers } from '@hyperledger/fabric-gateway'
import { describe, expect, it } from 'vitest'
import { isListening } from '../process/index.js'
import { fabricGrpcClient, startFabricNetwork } from './index.js'

const portOf = (address: string) => Number(address.split(':')[1])

describe('fabric test peers: lifecycle', () => {
  it('behavior: an insecure network serves plaintext gRPC and close() leaves no listener', async () => {
    const network = await startFabricNetwork({ peers: 2, tls: false })
    const ports = network.peers.flatMap((peer) => [
      portOf(peer.address),
      portOf(peer.directAddress),
    ])
    try {
      expect(network.tlsRootCert).toBeUndefined()
      const gateway = connect({
        client: fabricGrpcClient(network, network.peers[1] ?? network.peers[0]!),
        identity: { mspId: network.mspId, credentials: network.client.certificate },
        signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
        hash: hash.sha256,
      })
      const contract = gateway.getNetwork(network.channelName).getContract(network.chaincodeName)
      await contract.submitTransaction('CreateAsset', 'life1', 'blue', '1', 'Al', '1')
      expect(
        Buffer.from(await contract.evaluateTransaction('AssetExists', 'life1')).toString(),
      ).toBe('true')
      gateway.close()
      expect(await Promise.all(ports.map((port) => isListening(port)))).toEqual(
        ports.map(() => true),
      )
    } finally {
      await network.close()
    }
    expect(await Promise.all(ports.map((port) => isListening(port)))).toEqual(
      ports.map(() => false),
    )
  })

  it('args: an aborted signal stops the start and closes what was started', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(startFabricNetwork({ signal: controller.signal })).rejects.toThrow()
  })
})

describe('fabric test peers: keepalive policy', () => {
  it('behavior: a client pinging more often than the peer allows gets its connection closed', async () => {
    const network = await startFabricNetwork({
      peers: 1,
      tls: false,
      keepaliveMinIntervalMs: 60_000,
    })
    const peer = network.peers[0]
    if (peer === undefined) throw new Error('no peer')
    const connectWith = (keepaliveMs?: number) =>
      connect({
        client: fabricGrpcClient(network, peer, {
          channelOptions:
            keepaliveMs === undefined ? {} : { 'grpc.keepalive_time_ms': keepaliveMs },
        }),
        identity: { mspId: network.mspId, credentials: network.client.certificate },
        signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
        hash: hash.sha256,
      })
    const eager = connectWith(20)
    const polite = connectWith()
    try {
      const eagerEvents = await eager
        .getNetwork(network.channelName)
        .getChaincodeEvents(network.chaincodeName)
      const politeEvents = await polite
        .getNetwork(network.channelName)
        .getChaincodeEvents(network.chaincodeName)
      const politeNext = politeEvents[Symbol.asyncIterator]().next()
      // The eager stream dies (GOAWAY too_many_pings); an event then proves the polite one lives.
      const failure = await eagerEvents[Symbol.asyncIterator]()
        .next()
        .then(
          () => undefined,
          (err: unknown) => err,
        )
      // grpc-js reports a stream ended by GOAWAY ENHANCE_YOUR_CALM as RESOURCE_EXHAUSTED.
      expect(failure).toMatchObject({ code: status.RESOURCE_EXHAUSTED })
      const contract = polite.getNetwork(network.channelName).getContract(network.chaincodeName)
      await contract.submitTransaction('CreateAsset', 'ka1', 'blue', '1', 'Al', '1')
      expect((await politeNext).value?.eventName).toBe('CreateAsset')
      eagerEvents.close()
      politeEvents.close()
    } finally {
      eager.close()
      polite.close()
      await network.close()
    }
  })
})
