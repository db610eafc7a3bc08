import { createHash, type KeyObject, sign } from 'node:crypto'
import { common, msp, peer } from '@hyperledger/fabric-protos'
import type { IdentityVerifier } from './identity-verifier.js'
import type { ParsedProposal } from './signed-proposal.js'
import type { Simulation } from './simulation.js'

/** The endorsing peer's signing identity (its enrollment certificate and key). */
export interface EndorserIdentity {
  readonly mspId: string
  readonly certificate: Buffer
  readonly privateKey: KeyObject
}

function serializedIdentity(identity: EndorserIdentity): Uint8Array {
  const serialized = new msp.SerializedIdentity()
  serialized.setMspid(identity.mspId)
  serialized.setIdBytes(identity.certificate)
  return serialized.serializeBinary()
}

/**
 * Builds the unsigned transaction envelope a gateway returns from Endorse: the proposal header,
 * and one action whose endorsed ProposalResponsePayload carries the ChaincodeAction (rwset,
 * event, response) signed by the endorser.
 */
export function preparedTransaction(
  proposal: ParsedProposal,
  simulation: Simulation,
  endorser: EndorserIdentity,
): common.Envelope {
  const response = new peer.Response()
  response.setStatus(simulation.status)
  response.setMessage(simulation.message)
  response.setPayload(simulation.payload)
  const chaincodeId = new peer.ChaincodeID()
  chaincodeId.setName(proposal.chaincodeName)
  chaincodeId.setVersion('1.0')
  const action = new peer.ChaincodeAction()
  action.setResults(simulation.results)
  if (simulation.event !== undefined) action.setEvents(simulation.event.serializeBinary())
  action.setResponse(response)
  action.setChaincodeId(chaincodeId)

  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(
    proposal.proposal.getPayload_asU8(),
  )
  proposalPayload.clearTransientmapMap() // transient data never reaches the ledger
  const proposalPayloadBytes = proposalPayload.serializeBinary()
  const responsePayload = new peer.ProposalResponsePayload()
  responsePayload.setProposalHash(
    createHash('sha256')
      .update(proposal.proposal.getHeader_asU8())
      .update(proposalPayloadBytes)
      .digest(),
  )
  responsePayload.setExtension$(action.serializeBinary())
  const responsePayloadBytes = responsePayload.serializeBinary()

  const endorserBytes = serializedIdentity(endorser)
  const endorsement = new peer.Endorsement()
  endorsement.setEndorser(endorserBytes)
  endorsement.setSignature(
    sign('sha256', Buffer.concat([responsePayloadBytes, endorserBytes]), endorser.privateKey),
  )
  const endorsed = new peer.ChaincodeEndorsedAction()
  endorsed.setProposalResponsePayload(responsePayloadBytes)
  endorsed.setEndorsementsList([endorsement])
  const actionPayload = new peer.ChaincodeActionPayload()
  actionPayload.setChaincodeProposalPayload(proposalPayloadBytes)
  actionPayload.setAction(endorsed)
  const transactionAction = new peer.TransactionAction()
  transactionAction.setHeader(proposal.signatureHeaderBytes)
  transactionAction.setPayload(actionPayload.serializeBinary())
  const transaction = new peer.Transaction()
  transaction.setActionsList([transactionAction])

  const payload = new common.Payload()
  payload.setHeader(proposal.header)
  payload.setData(transaction.serializeBinary())
  const envelope = new common.Envelope()
  envelope.setPayload(payload.serializeBinary())
  return envelope
}

/** What the orderer and the committer read from a submitted envelope. */
export interface SubmittedTransaction {
  readonly transactionId: string
  readonly channelId: string
  readonly chaincodeName: string
  /** Serialized TxReadWriteSet. */
  readonly results: Uint8Array
  readonly event: peer.ChaincodeEvent | undefined
  readonly envelope: common.Envelope
}

/**
 * Parses a signed transaction envelope and checks the creator's signature over the payload, as
 * the orderer's signature filter does. Throws AccessDeniedError or a protobuf decoding error.
 */
export function parseSubmittedTransaction(
  envelope: common.Envelope,
  verifier: IdentityVerifier,
): SubmittedTransaction {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8())
  const header = payload.getHeader() ?? new common.Header()
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8())
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8())
  const channelId = channelHeader.getChannelId()
  verifier.verify(
    signatureHeader.getCreator_asU8(),
    envelope.getPayload_asU8(),
    envelope.getSignature_asU8(),
    channelId,
  )
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8())
  const first = transaction.getActionsList()[0]
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(
    first?.getPayload_asU8() ?? new Uint8Array(),
  )
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
    actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
  )
  const action = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8())
  const eventBytes = action.getEvents_asU8()
  return {
    transactionId: channelHeader.getTxId(),
    channelId,
    chaincodeName: action.getChaincodeId()?.getName() ?? '',
    results: action.getResults_asU8(),
    event: eventBytes.length > 0 ? peer.ChaincodeEvent.deserializeBinary(eventBytes) : undefined,
    envelope,
  }
}
