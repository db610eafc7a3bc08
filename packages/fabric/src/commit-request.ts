import type { Identity } from '@hyperledger/fabric-gateway'
import { common, gateway, msp } from '@hyperledger/fabric-protos'
import { InvalidTransactionError } from './errors/fabric-errors.js'

/** The channel a prepared transaction (fabric-gateway `Transaction.getBytes()`) belongs to. */
export function transactionChannel(preparedTransactionBytes: Uint8Array): string {
  const prepared = gateway.PreparedTransaction.deserializeBinary(preparedTransactionBytes)
  const envelope = prepared.getEnvelope()
  if (!envelope) throw new InvalidTransactionError('no envelope')
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8())
  const header = payload.getHeader()
  if (!header) throw new InvalidTransactionError('no payload header')
  return common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getChannelId()
}

/**
 * An unsigned `SignedCommitStatusRequest` for a transaction id, as fabric-gateway builds it
 * after a submit. Built here too because a re-sent transaction may have been accepted by a
 * peer whose answer was lost: its status is then asked without a `SubmittedTransaction`.
 */
export function commitStatusRequestBytes(
  channelName: string,
  transactionId: string,
  identity: Identity,
): Uint8Array {
  const creator = new msp.SerializedIdentity()
  creator.setMspid(identity.mspId)
  creator.setIdBytes(identity.credentials)
  const request = new gateway.CommitStatusRequest()
  request.setChannelId(channelName)
  request.setTransactionId(transactionId)
  request.setIdentity(creator.serializeBinary())
  const signed = new gateway.SignedCommitStatusRequest()
  signed.setRequest(request.serializeBinary())
  return signed.serializeBinary()
}
