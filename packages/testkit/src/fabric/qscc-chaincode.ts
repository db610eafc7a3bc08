import { common, peer } from '@hyperledger/fabric-protos'
import { type Chaincode, ChaincodeError } from './asset-chaincode.js'
import { blockHeaderHash, type CommittedTransaction } from './fabric-block.js'
import type { FabricLedger } from './fabric-ledger.js'

type Query = (ledger: FabricLedger, peerHeight: number, args: readonly string[]) => Uint8Array

function chainInfo(ledger: FabricLedger, peerHeight: number): Uint8Array {
  const info = new common.BlockchainInfo()
  info.setHeight(peerHeight)
  const current = ledger.block(peerHeight - 1)?.block.getHeader()
  if (current !== undefined) {
    info.setCurrentblockhash(blockHeaderHash(current))
    info.setPreviousblockhash(current.getPreviousHash_asU8())
  }
  return info.serializeBinary()
}

/** The transaction as this peer knows it: committed in a block the peer has received. */
function knownTransaction(
  ledger: FabricLedger,
  peerHeight: number,
  txId: string,
): CommittedTransaction {
  const tx = ledger.transaction(txId)
  if (tx === undefined || tx.blockNumber >= peerHeight) {
    throw new ChaincodeError(
      `Failed to get transaction with id ${txId}, error entry not found in index`,
    )
  }
  return tx
}

const queries: Record<string, Query> = {
  GetChainInfo: (ledger, peerHeight) => chainInfo(ledger, peerHeight),
  GetBlockByNumber: (ledger, peerHeight, [, number = '']) => {
    const block = Number(number) < peerHeight ? ledger.block(Number(number)) : undefined
    if (block === undefined) {
      throw new ChaincodeError(
        `Failed to get block number ${number}, error entry not found in index`,
      )
    }
    return block.block.serializeBinary()
  },
  GetBlockByTxID: (ledger, peerHeight, [, txId = '']) => {
    const tx = knownTransaction(ledger, peerHeight, txId)
    return ledger.block(tx.blockNumber)?.block.serializeBinary() ?? new Uint8Array()
  },
  GetTransactionByID: (ledger, peerHeight, [, txId = '']) => {
    const tx = knownTransaction(ledger, peerHeight, txId)
    const bytes = ledger.block(tx.blockNumber)?.block.getData()?.getDataList_asU8()[tx.index]
    const processed = new peer.ProcessedTransaction()
    processed.setTransactionenvelope(common.Envelope.deserializeBinary(bytes ?? new Uint8Array()))
    processed.setValidationcode(tx.code)
    return processed.serializeBinary()
  },
}

/**
 * The query system chaincode a client evaluates to probe a peer, answering from this peer's own
 * height (older while it lags): GetChainInfo (a real BlockchainInfo), GetBlockByNumber,
 * GetBlockByTxID, GetTransactionByID (a ProcessedTransaction with its validation code).
 */
export function qsccChaincode(ledger: FabricLedger, height: () => number): Chaincode {
  return (_stub, fn, args) => {
    const [channel = ''] = args
    if (channel !== ledger.channelId) {
      throw new ChaincodeError(`failed to get ledger for channel ${channel}`)
    }
    const query = queries[fn]
    if (query === undefined) throw new ChaincodeError(`Requested function ${fn} not found.`)
    return Buffer.from(query(ledger, height(), args))
  }
}
