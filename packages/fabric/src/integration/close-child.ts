/**
 * Run by `gateway-lifecycle.test.ts` in a child process: uses a failover gateway (a call and an
 * event stream), closes it, and must then exit by itself — no open handle may keep it alive.
 */
import { createPrivateKey } from 'node:crypto'
import { hash, signers } from '@hyperledger/fabric-gateway'
import { connectFailover } from '../index.js'

const config = JSON.parse(process.env.STEADFAST_CHILD_CONFIG ?? '{}') as {
  peers: Array<{ address: string; serverNameOverride: string }>
  tlsRootCert: string
  mspId: string
  certificate: string
  privateKey: string
  channelName: string
  chaincodeName: string
}
const gateway = connectFailover({
  peers: config.peers.map((p) => ({ ...p, tlsRootCert: Buffer.from(config.tlsRootCert) })),
  identity: { mspId: config.mspId, credentials: Buffer.from(config.certificate) },
  signer: signers.newPrivateKeySigner(createPrivateKey(config.privateKey)),
  hash: hash.sha256,
  channelName: config.channelName,
  maxConnectionAgeMs: 60_000,
})
const network = gateway.getNetwork(config.channelName)
await network.getContract(config.chaincodeName).evaluateTransaction('GetAllAssets')
const events = await network.getChaincodeEvents(config.chaincodeName)
const blocks = await network.getBlockEvents()
void (async () => {
  for await (const _ of blocks) break
})()
await gateway.close()
events.close()
process.stdout.write('closed\n')
