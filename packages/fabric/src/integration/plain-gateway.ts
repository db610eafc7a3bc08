import * as grpc from '@grpc/grpc-js'
import { connect, type Gateway } from '@hyperledger/fabric-gateway'
import type { FabricTarget } from './fabric-target.js'

/** Plain fabric-gateway on one peer (one gRPC client), as applications use it today. */
export function plainGateway(
  target: FabricTarget,
  index: number,
  deadlineMs = 1_000,
): { gateway: Gateway; close(): void } {
  const peer = target.peers[index]
  if (!peer) throw new Error(`no peer ${index}`)
  const credentials = peer.tlsRootCert
    ? grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert))
    : grpc.credentials.createInsecure()
  const client = new grpc.Client(
    peer.address,
    credentials,
    peer.serverNameOverride ? { 'grpc.ssl_target_name_override': peer.serverNameOverride } : {},
  )
  const deadline = () => ({ deadline: Date.now() + deadlineMs })
  const gateway = connect({
    client,
    identity: target.identity,
    signer: target.signer,
    hash: target.hash,
    evaluateOptions: deadline,
    endorseOptions: deadline,
    submitOptions: deadline,
    commitStatusOptions: () => ({ deadline: Date.now() + deadlineMs * 1.5 }),
  })
  return {
    gateway,
    close: () => {
      gateway.close()
      client.close()
    },
  }
}
