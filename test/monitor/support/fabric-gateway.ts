// test/ has no package.json of its own: take fabric-gateway from @steadfast/fabric's
// dependencies so the test and the adapter share one instance.
export {
  hash,
  signers,
} from '../../../packages/fabric/node_modules/@hyperledger/fabric-gateway/dist/index.js'
