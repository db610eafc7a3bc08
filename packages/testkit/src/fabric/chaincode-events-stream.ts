import type { handleServerStreamingCall } from '@grpc/grpc-js'
import { gateway, peer } from '@hyperledger/fabric-protos'
import { peerBlocks, runStream, startBlockOf } from './peer-blocks.js'
import type { PeerContext } from './peer-context.js'
import { acceptSignedRequest } from './signed-request.js'

/**
 * `gateway.Gateway/ChaincodeEvents`: one response per block holding events of the chaincode
 * from valid transactions, from the start position on; with `after_transaction_id`, events in
 * the start block up to and including that transaction are skipped (when it is found there).
 */
export function chaincodeEventsHandler(
  ctx: PeerContext,
): handleServerStreamingCall<
  gateway.SignedChaincodeEventsRequest,
  gateway.ChaincodeEventsResponse
> {
  return (call) =>
    runStream(ctx, call, async (signal) => {
      const request = acceptSignedRequest(ctx, call.request, (bytes) =>
        gateway.ChaincodeEventsRequest.deserializeBinary(bytes),
      )
      const start = startBlockOf(request.getStartPosition(), ctx.height())
      const afterTxId = request.getAfterTransactionId()
      for await (const block of peerBlocks(ctx, start, signal)) {
        let txs = block.transactions
        const skipTo =
          block.number === start && afterTxId !== ''
            ? txs.findIndex((tx) => tx.transactionId === afterTxId)
            : -1
        if (skipTo >= 0) txs = txs.slice(skipTo + 1)
        const events = txs.flatMap((tx) =>
          tx.code === peer.TxValidationCode.VALID &&
          tx.event !== undefined &&
          tx.chaincodeName === request.getChaincodeId()
            ? [tx.event]
            : [],
        )
        if (events.length === 0) continue
        const response = new gateway.ChaincodeEventsResponse()
        response.setBlockNumber(block.number)
        response.setEventsList(events)
        call.write(response)
      }
    })
}
