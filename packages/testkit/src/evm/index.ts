export type { EvmReplica } from './evm-replica.js'
export { ganacheCliPath } from './ganache-node.js'
export type { EvmReplicaSet, EvmReplicaSetOptions } from './start-evm-replica-set.js'
export { startEvmReplicaSet } from './start-evm-replica-set.js'
