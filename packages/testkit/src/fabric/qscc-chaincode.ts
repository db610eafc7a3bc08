import { common } from '@hyperledger/fabric-protos'
import { type Chaincode, ChaincodeError } from './asset-chaincode.js'
import { blockHeaderHash } from './fabric-block.js'
import type { FabricLedger } from './fabric-ledger.js'

/**
 * The query system chaincode a client evaluates to probe a peer: GetChainInfo answers a real
 * BlockchainInfo at this peer's own height (older while it lags), GetBlockByNumber a block.
 */
export function qsccChaincode(ledger: FabricLedger, height: () => number): Chaincode {
  return (_stub, fn, args) => {
    const [channel = ''] = args
    if (channel !== ledger.channelId)
      throw new ChaincodeError(`failed to get ledger for channel ${channel}`)
    const peerHeight = height()
    if (fn === 'GetChainInfo') {
      const info = new common.BlockchainInfo()
      info.setHeight(peerHeight)
      const current = ledger.block(peerHeight - 1)?.block.getHeader()
      if (current !== undefined) {
        info.setCurrentblockhash(blockHeaderHash(current))
        info.setPreviousblockhash(current.getPreviousHash_asU8())
      }
      return Buffer.from(info.serializeBinary())
    }
    if (fn === 'GetBlockByNumber') {
      const number = Number(args[1])
      const block = number < peerHeight ? ledger.block(number) : undefined
      if (block === undefined)
        throw new ChaincodeError(
          `Failed to get block number ${args[1]}, error entry not found in index`,
        )
      return Buffer.from(block.block.serializeBinary())
    }
    throw new ChaincodeError(`Requested function ${fn} not found.`)
  }
}
