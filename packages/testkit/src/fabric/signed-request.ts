import { status } from '@grpc/grpc-js'
import { GatewayStatusError } from './gateway-status.js'
import type { PeerContext } from './peer-context.js'

/** A request the client signs as a whole (CommitStatus, ChaincodeEvents). */
interface SignedRequest {
  getRequest_asU8(): Uint8Array
  getSignature_asU8(): Uint8Array
}

/** The signed request body: its channel and the identity that signed it. */
interface RequestBody {
  getIdentity_asU8(): Uint8Array
  getChannelId(): string
}

/**
 * Decodes a signed gateway request and checks it like a gateway: the signature by a member of
 * the org (else PERMISSION_DENIED) and the channel (else NOT_FOUND).
 */
export function acceptSignedRequest<T extends RequestBody>(
  ctx: PeerContext,
  signed: SignedRequest,
  decode: (bytes: Uint8Array) => T,
): T {
  const bytes = signed.getRequest_asU8()
  const request = decode(bytes)
  const channelId = request.getChannelId()
  try {
    ctx.verifier.verify(request.getIdentity_asU8(), bytes, signed.getSignature_asU8(), channelId)
  } catch (err) {
    throw new GatewayStatusError(status.PERMISSION_DENIED, (err as Error).message)
  }
  if (channelId !== ctx.ledger.channelId) {
    throw new GatewayStatusError(status.NOT_FOUND, `channel '${channelId}' not found`)
  }
  return request
}
