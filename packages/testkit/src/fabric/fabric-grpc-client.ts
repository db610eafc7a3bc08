import { type ChannelOptions, Client, credentials } from '@grpc/grpc-js'
import type { FabricPeer } from './fabric-peer.js'

/** How `fabricGrpcClient` dials. */
export interface FabricGrpcClientOptions {
  /**
   * Set `grpc.ssl_target_name_override` to the peer's host name (its certificate's only SAN),
   * as a client dialing a service address must. Default: true.
   */
  readonly serverNameOverride?: boolean
  /** Dial the server itself instead of its fault proxy. Default: false. */
  readonly direct?: boolean
  /** More grpc-js channel options. Default: none. */
  readonly channelOptions?: ChannelOptions
}

/**
 * A grpc-js client for one test peer, with the network's TLS root (or insecure), ready for
 * fabric-gateway's `connect({ client, ... })`. The caller closes it.
 */
export function fabricGrpcClient(
  network: { readonly tlsRootCert: Buffer | undefined },
  peer: FabricPeer,
  options: FabricGrpcClientOptions = {},
): Client {
  const secure = network.tlsRootCert !== undefined
  const override =
    secure && options.serverNameOverride !== false
      ? { 'grpc.ssl_target_name_override': peer.hostName }
      : {}
  return new Client(
    options.direct === true ? peer.directAddress : peer.address,
    secure ? credentials.createSsl(network.tlsRootCert) : credentials.createInsecure(),
    { ...override, ...options.channelOptions },
  )
}
