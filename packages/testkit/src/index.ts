// Each area owns its folder and its index; this file only gathers them.
export * from './evm/index.js'
export * from './fabric/index.js'
export * from './fault-proxy/index.js'
export * from './ipfs/index.js'
export * from './process/index.js'
