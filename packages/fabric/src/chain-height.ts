import type { CallOptions } from '@grpc/grpc-js'
import type { Gateway } from '@hyperledger/fabric-gateway'
import { common } from '@hyperledger/fabric-protos'

/**
 * The ledger height of `channelName` as the peer's gateway sees it: qscc `GetChainInfo`.
 * The gateway routes an evaluate to the highest peer of its organisation.
 */
export async function chainHeight(
  gateway: Gateway,
  channelName: string,
  options: CallOptions,
): Promise<number> {
  const bytes = await gateway
    .getNetwork(channelName)
    .getContract('qscc')
    .newProposal('GetChainInfo', { arguments: [channelName] })
    .evaluate(options)
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight()
}
