/** Pin status of one cluster peer (IPFS Cluster `TrackerStatus`, lower-case strings). */
export type ClusterPinStatus =
  | 'pinned'
  | 'pinning'
  | 'pin_queued'
  | 'pin_error'
  | 'unpinned'
  | 'unpinning'
  | 'unpin_queued'
  | 'unpin_error'
  | 'remote'
  | 'cluster_error'
  | 'undefined'
  | (string & {})

/** One peer's view of a pin (`GlobalPinInfo.peer_map[peer]`). */
export interface ClusterPeerPinInfo {
  peername?: string
  ipfs_peer_id?: string
  status: ClusterPinStatus
  timestamp?: string
  error?: string
}

/** `GET /pins/{cid}`: the pin's status across the cluster. */
export interface ClusterPinStatusInfo {
  cid: string
  name?: string
  allocations?: string[]
  peer_map: Record<string, ClusterPeerPinInfo>
}

/** `POST /pins/{cid}` and `DELETE /pins/{cid}`: the pin object. */
export interface ClusterPin {
  cid: string
  name?: string
  replication_factor_min?: number
  replication_factor_max?: number
  allocations?: string[]
  [key: string]: unknown
}

export interface ClusterPinOptions {
  /** Minimum number of peers holding the pin (`replication-min`). @default the cluster's setting */
  replicationMin?: number
  /** Maximum number of peers holding the pin (`replication-max`). @default the cluster's setting */
  replicationMax?: number
  /** Pin name. @default none */
  name?: string
  signal?: AbortSignal
}
