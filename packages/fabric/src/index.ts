export type { BlockEventKind } from './block-event-kinds.js'
export { DRAINED_DETAILS } from './call-options.js'
export { chainInfoProbe, checkHealthz } from './chain-info-probe.js'
export { connectFailover } from './connect-failover.js'
export {
  GatewayClosedError,
  InvalidTransactionError,
  OfflineGatewayError,
  StreamEndedError,
} from './errors/fabric-errors.js'
export type { EventCursor } from './event-cursor.js'
export { BlockCursor, ChaincodeEventCursor } from './event-cursor.js'
export type { FailoverCallOptions } from './fabric-executor.js'
export { FailoverCommit } from './failover-commit.js'
export type { FailoverProposalOptions } from './failover-contract.js'
export { FailoverContract } from './failover-contract.js'
export { FailoverEventStream } from './failover-event-stream.js'
export { FailoverEventsRequest } from './failover-events-request.js'
export { FailoverGateway } from './failover-gateway.js'
export type { FailoverEventsOptions } from './failover-network.js'
export { FailoverNetwork } from './failover-network.js'
export type {
  FabricDeadlines,
  FabricPeerConfig,
  FabricProbe,
  FabricProbeContext,
  FailoverConnectOptions,
} from './failover-options.js'
export { defaultDeadlines } from './failover-options.js'
export { FailoverProposal } from './failover-proposal.js'
export { FailoverTransaction } from './failover-transaction.js'
export { MIN_KEEPALIVE_MS } from './peer-connection.js'
export type {
  FabricFailoverContext,
  FabricOperation,
  FabricShouldFailover,
} from './should-failover.js'
export { CALLER_ABORT_DETAILS, isDuplicateTransaction, shouldFailover } from './should-failover.js'
