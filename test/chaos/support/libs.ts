// test/ has no package.json of its own: the host libraries come from the adapters' own
// dependencies, so tests and adapters share one instance (instanceof checks hold).
export * as ethers from '../../../packages/ethers/node_modules/ethers/lib.esm/index.js'
export {
  hash,
  signers,
} from '../../../packages/fabric/node_modules/@hyperledger/fabric-gateway/dist/index.js'
