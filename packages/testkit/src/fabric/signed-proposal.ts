import { common, peer } from '@hyperledger/fabric-protos'
import { AccessDeniedError, type IdentityVerifier, transactionIdOf } from './identity-verifier.js'

/** The parts of a signed proposal a peer acts on. */
export interface ParsedProposal {
  readonly transactionId: string
  readonly channelId: string
  readonly chaincodeName: string
  readonly functionName: string
  readonly args: readonly string[]
  readonly creator: Uint8Array
  readonly header: common.Header
  readonly signatureHeaderBytes: Uint8Array
  readonly proposal: peer.Proposal
}

/** A malformed request, answered with INVALID_ARGUMENT or a 500 proposal response. */
export class BadProposalError extends Error {
  override readonly name = 'BadProposalError'
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new BadProposalError(`missing ${what}`)
  return value
}

/**
 * Parses a SignedProposal and validates it like a peer's endorser: signature by a member of the
 * org, transaction id bound to nonce and creator. Throws AccessDeniedError or BadProposalError.
 */
export function parseSignedProposal(
  signed: peer.SignedProposal | undefined,
  verifier: IdentityVerifier,
): ParsedProposal {
  const proposalBytes = required(signed, 'proposed transaction').getProposalBytes_asU8()
  const proposal = peer.Proposal.deserializeBinary(proposalBytes)
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8())
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8())
  const signatureHeaderBytes = header.getSignatureHeader_asU8()
  const signatureHeader = common.SignatureHeader.deserializeBinary(signatureHeaderBytes)
  const creator = signatureHeader.getCreator_asU8()
  const channelId = channelHeader.getChannelId()
  verifier.verify(
    creator,
    proposalBytes,
    signed?.getSignature_asU8() ?? new Uint8Array(),
    channelId,
  )
  const transactionId = channelHeader.getTxId()
  if (transactionId !== transactionIdOf(signatureHeader.getNonce_asU8(), creator)) {
    throw new AccessDeniedError(`invalid txID. It must be different. Got [${transactionId}]`)
  }
  const extension = peer.ChaincodeHeaderExtension.deserializeBinary(
    channelHeader.getExtension_asU8(),
  )
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8())
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
    payload.getInput_asU8(),
  ).getChaincodeSpec()
  const decoder = new TextDecoder()
  const [fn, ...args] = (spec?.getInput()?.getArgsList_asU8() ?? []).map((arg) =>
    decoder.decode(arg),
  )
  return {
    transactionId,
    channelId,
    chaincodeName: extension.getChaincodeId()?.getName() ?? spec?.getChaincodeId()?.getName() ?? '',
    functionName: fn ?? '',
    args,
    creator,
    header,
    signatureHeaderBytes,
    proposal,
  }
}
