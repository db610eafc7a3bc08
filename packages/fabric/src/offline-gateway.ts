import { connect, type Gateway, type GrpcClient } from '@hyperledger/fabric-gateway'
import { OfflineGatewayError } from './errors/fabric-errors.js'
import type { FailoverConnectOptions } from './failover-options.js'

function noNetwork(): never {
  throw new OfflineGatewayError()
}

const offlineClient: GrpcClient = {
  close() {},
  getChannel: noNetwork,
  waitForReady: noNetwork,
  makeUnaryRequest: noNetwork,
  makeClientStreamRequest: noNetwork,
  makeServerStreamRequest: noNetwork,
  makeBidiStreamRequest: noNetwork,
}

/**
 * A fabric-gateway Gateway bound to no peer. It builds proposals and requests (transaction id,
 * nonce, digest) with the application's identity and hash; the signed bytes are then sent
 * through whichever peer's Gateway serves the attempt, so a retry re-sends the same bytes.
 */
export function offlineGateway(options: FailoverConnectOptions): Gateway {
  return connect({
    client: offlineClient,
    identity: options.identity,
    ...(options.hash ? { hash: options.hash } : {}),
    ...(options.tlsClientCertificateHash
      ? { tlsClientCertificateHash: options.tlsClientCertificateHash }
      : {}),
  })
}
