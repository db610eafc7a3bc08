/**
 * How a JSON-RPC method may be moved between replicas.
 * - `read`: no side effect; fails over and may be hedged.
 * - `rawTransaction`: a signed transaction; sending it twice is harmless (same hash), so it
 *   fails over; "already known" / "nonce too low" for a hash already there count as success.
 * - `nodeSigned`: the node signs (or holds keys); a second delivery would act twice, so it moves
 *   only when the request provably never reached the first replica.
 * - `filter`: state lives on one replica; sticky, recreated elsewhere with a log backfill.
 * - `unsafe`: anything unknown (admin_*, miner_*, evm_*): treated like `nodeSigned`.
 */
export type MethodSafety = 'read' | 'rawTransaction' | 'nodeSigned' | 'filter' | 'unsafe'

const READS = [
  'eth_chainId',
  'net_version',
  'net_listening',
  'net_peerCount',
  'web3_clientVersion',
  'eth_protocolVersion',
  'eth_syncing',
  'eth_blockNumber',
  'eth_call',
  'eth_estimateGas',
  'eth_createAccessList',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_feeHistory',
  'eth_blobBaseFee',
  'eth_getBalance',
  'eth_getCode',
  'eth_getStorageAt',
  'eth_getProof',
  'eth_getTransactionCount',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getBlockReceipts',
  'eth_getBlockTransactionCountByHash',
  'eth_getBlockTransactionCountByNumber',
  'eth_getTransactionByHash',
  'eth_getTransactionByBlockHashAndIndex',
  'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionReceipt',
  'eth_getUncleByBlockHashAndIndex',
  'eth_getUncleByBlockNumberAndIndex',
  'eth_getUncleCountByBlockHash',
  'eth_getUncleCountByBlockNumber',
  'eth_getLogs',
  'eth_accounts',
  'eth_coinbase',
  'eth_mining',
  'eth_hashrate',
  // GoQuorum
  'eth_getQuorumPayload',
  'eth_getPrivateTransactionByHash',
  'eth_getPrivateTransactionReceipt',
  'eth_getContractPrivacyMetadata',
  'eth_getPSI',
  'istanbul_getValidators',
  'istanbul_isValidator',
  'istanbul_getSnapshot',
  'qbft_getValidatorsByBlockNumber',
  'qbft_getValidatorsByBlockHash',
  'qbft_isValidator',
  'raft_role',
  'raft_leader',
  'raft_cluster',
] as const

const RAW_TRANSACTIONS = ['eth_sendRawTransaction', 'eth_sendRawPrivateTransaction'] as const

const NODE_SIGNED = [
  'eth_sendTransaction',
  'eth_sendTransactionAsync',
  'eth_sign',
  'eth_signTransaction',
  'eth_signTypedData',
  'eth_signTypedData_v3',
  'eth_signTypedData_v4',
  'eth_fillTransaction',
] as const

const FILTERS = [
  'eth_newFilter',
  'eth_newBlockFilter',
  'eth_newPendingTransactionFilter',
  'eth_getFilterChanges',
  'eth_getFilterLogs',
  'eth_uninstallFilter',
] as const

function table(methods: readonly string[], safety: MethodSafety): Record<string, MethodSafety> {
  return Object.fromEntries(methods.map((m) => [m, safety]))
}

/** The method-safety table: every method this provider knows, and how it may move. */
export const METHOD_SAFETY: Readonly<Record<string, MethodSafety>> = Object.freeze({
  ...table(READS, 'read'),
  ...table(RAW_TRANSACTIONS, 'rawTransaction'),
  ...table(NODE_SIGNED, 'nodeSigned'),
  ...table(FILTERS, 'filter'),
})

/** The safety class of `method`; `personal_*` is node-signed, any other unknown method `unsafe`. */
export function methodSafety(method: string): MethodSafety {
  const known = METHOD_SAFETY[method]
  if (known !== undefined) return known
  if (method.startsWith('personal_')) return 'nodeSigned'
  if (method.startsWith('debug_trace')) return 'read'
  return 'unsafe'
}
