export {
  type IpfsNode,
  type IpfsNodeSet,
  type IpfsNodeSetOptions,
  startIpfsNodeSet,
} from './ipfs-node-set.js'
