export {
  KUBO_CALL_RULES,
  type KuboCallKind,
  type KuboCallRule,
  type ResumeMode,
} from './call-rules.js'
export type {
  ClusterPeerPinInfo,
  ClusterPin,
  ClusterPinOptions,
  ClusterPinStatus,
  ClusterPinStatusInfo,
} from './cluster/cluster-types.js'
export {
  ClusterApiError,
  type ClusterClient,
  type ClusterClientOptions,
  clusterShouldFailover,
  createClusterClient,
} from './cluster/create-cluster-client.js'
export { createFailoverKubo } from './create-failover-kubo.js'
export {
  ContentMismatchError,
  InputNotReplayableError,
  StickyEndpointUnavailableError,
  StreamInterruptedError,
} from './errors/kubo-errors.js'
export type {
  FailoverKubo,
  FailoverKuboControls,
  FailoverKuboOptions,
} from './failover-kubo-options.js'
export { type KuboProbeOptions, kuboProbe } from './kubo-probe.js'
export { kuboShouldFailover } from './kubo-should-failover.js'
export type { SubscriptionGap } from './resilient-subscriptions.js'
