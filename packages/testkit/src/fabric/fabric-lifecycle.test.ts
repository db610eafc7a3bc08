import { createPrivateKey } from 'node:crypto'
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
