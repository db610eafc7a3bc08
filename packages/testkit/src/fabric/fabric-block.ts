import { createHash } from 'node:crypto'
import { common, peer } from '@hyperledger/fabric-protos'
import { der } from './der.js'

/** One transaction as committed in a block, with its validation code. */
export interface CommittedTransaction {
  readonly transactionId: string
  readonly blockNumber: number
  /** Index of the transaction in its block. */
  readonly index: number
  /** A peer.TxValidationCode. */
  readonly code: number
  readonly chaincodeName: string
  readonly event: peer.ChaincodeEvent | undefined
}

/** A committed block: the protobuf block and its transactions. */
export interface CommittedBlock {
  readonly number: number
  readonly block: common.Block
  readonly transactions: readonly CommittedTransaction[]
}

/** Fabric's block header hash: SHA-256 of the ASN.1 DER of (number, previous_hash, data_hash). */
export function blockHeaderHash(header: common.BlockHeader): Buffer {
  const number = Buffer.alloc(8)
  number.writeBigUInt64BE(BigInt(header.getNumber()))
  const asn1 = der.seq(
    der.uint(number),
    der.octetString(Buffer.from(header.getPreviousHash_asU8())),
    der.octetString(Buffer.from(header.getDataHash_asU8())),
  )
  return createHash('sha256').update(asn1).digest()
}

/** Builds a block of serialized envelopes, with the validation codes in TRANSACTIONS_FILTER. */
export function buildBlock(
  number: number,
  previousHash: Uint8Array,
  envelopes: readonly Uint8Array[],
  codes: readonly number[],
): common.Block {
  const data = new common.BlockData()
  data.setDataList([...envelopes])
  const header = new common.BlockHeader()
  header.setNumber(number)
  header.setPreviousHash(previousHash)
  header.setDataHash(
    envelopes.reduce((hash, envelope) => hash.update(envelope), createHash('sha256')).digest(),
  )
  const metadata = new common.BlockMetadata()
  const empty = new common.Metadata().serializeBinary()
  // SIGNATURES, LAST_CONFIG, TRANSACTIONS_FILTER, ORDERER, COMMIT_HASH
  metadata.setMetadataList([empty, empty, Uint8Array.from(codes), empty, empty])
  const block = new common.Block()
  block.setHeader(header)
  block.setData(data)
  block.setMetadata(metadata)
  return block
}

/** Block 0: a (minimal) channel configuration transaction, as every channel starts with. */
export function genesisBlock(channelId: string): common.Block {
  const channelHeader = new common.ChannelHeader()
  channelHeader.setType(common.HeaderType.CONFIG)
  channelHeader.setChannelId(channelId)
  const header = new common.Header()
  header.setChannelHeader(channelHeader.serializeBinary())
  const payload = new common.Payload()
  payload.setHeader(header)
  payload.setData(new common.ConfigEnvelope().serializeBinary())
  const envelope = new common.Envelope()
  envelope.setPayload(payload.serializeBinary())
  return buildBlock(
    0,
    new Uint8Array(),
    [envelope.serializeBinary()],
    [peer.TxValidationCode.VALID],
  )
}

/** The FilteredBlock a DeliverFiltered stream sends: ids, codes and event names without payloads. */
export function filteredBlock(committed: CommittedBlock, channelId: string): peer.FilteredBlock {
  const filtered = new peer.FilteredBlock()
  filtered.setChannelId(channelId)
  filtered.setNumber(committed.number)
  filtered.setFilteredTransactionsList(
    committed.transactions.map((tx) => {
      const ftx = new peer.FilteredTransaction()
      ftx.setTxid(tx.transactionId)
      ftx.setType(
        committed.number === 0 ? common.HeaderType.CONFIG : common.HeaderType.ENDORSER_TRANSACTION,
      )
      ftx.setTxValidationCode(tx.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap])
      if (tx.event !== undefined) {
        const event = new peer.ChaincodeEvent()
        event.setChaincodeId(tx.event.getChaincodeId())
        event.setTxId(tx.event.getTxId())
        event.setEventName(tx.event.getEventName())
        const action = new peer.FilteredChaincodeAction()
        action.setChaincodeEvent(event)
        const actions = new peer.FilteredTransactionActions()
        actions.setChaincodeActionsList([action])
        ftx.setTransactionActions(actions)
      }
      return ftx
    }),
  )
  return filtered
}
