// test/ has no package.json of its own: take ethers from @steadfast/ethers' dependencies so the
// tests and the provider share one ethers instance (instanceof checks hold).
export * from '../../../packages/ethers/node_modules/ethers/lib.esm/index.js'
