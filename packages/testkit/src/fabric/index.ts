export type { Chaincode, ChaincodeStub } from './asset-chaincode.js'
export { assetChaincode, ChaincodeError } from './asset-chaincode.js'
export type { FabricGrpcClientOptions } from './fabric-grpc-client.js'
export { fabricGrpcClient } from './fabric-grpc-client.js'
export type { FabricPeer } from './fabric-peer.js'
export type {
  FabricLedgerView,
  FabricNetwork,
  FabricNetworkOptions,
} from './start-fabric-network.js'
export { startFabricNetwork } from './start-fabric-network.js'
export type { IssuedCertificate, IssueOptions, ThrowawayCa } from './throwaway-ca.js'
export { createThrowawayCa } from './throwaway-ca.js'
