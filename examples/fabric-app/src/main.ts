/**
 * fabric-app: asset-app.ts on three gateway peers over TLS, with the peer in use killed half-way
 * through. Run: `pnpm --filter @steadfast/example-fabric-app start`.
 *
 * The migration is the connect call:
 *
 *   - const client = new grpc.Client(peerEndpoint, tlsCredentials, { 'grpc.ssl_target_name_override': peerHostAlias })
 *   - const gateway = connect({ client, identity, signer, hash })
 *   + const gateway = await connectFailover({ peers, identity, signer, hash })
 */
import { createPrivateKey } from 'node:crypto'
import { hash, signers } from '@hyperledger/fabric-gateway'
import { connectFailover } from '@steadfast/fabric'
import { startFabricNetwork } from '@steadfast/testkit'
import { runAssetApp } from './asset-app.js'

const fabric = await startFabricNetwork({ peers: 3, tls: true })
try {
  const peers = fabric.peers.map((p) => ({
    address: p.address,
    tlsRootCert: fabric.tlsRootCert!,
    serverNameOverride: p.hostName,
  }))
  const identity = { mspId: fabric.client.mspId, credentials: fabric.client.certificate }
  const signer = signers.newPrivateKeySigner(createPrivateKey(fabric.client.privateKey))

  // The changed call (was: connect({ client, identity, signer, hash })).
  const gateway = await connectFailover({
    peers,
    identity,
    signer,
    hash: hash.sha256,
    channelName: 'mychannel',
  })

  const transfers = 6
  const result = await runAssetApp(gateway, transfers, async (i) => {
    if (i === transfers / 2) {
      const inUse = gateway.endpointSet.current()?.index ?? 0
      await fabric.peers[inUse]!.kill()
      console.log(`killed peer${inUse}: the application carries on`)
    }
  })
  gateway.close()

  const ok =
    result.eventsSeen === result.committed && result.committed === transfers + 1 && result.ownerOk
  console.log(
    `${result.committed} transactions committed, ${result.eventsSeen} chaincode events seen, owner ${result.ownerOk ? 'right' : 'WRONG'}`,
  )
  console.log(ok ? 'fabric-app: OK' : 'fabric-app: FAILED')
  process.exitCode = ok ? 0 : 1
} finally {
  await fabric.close()
}
