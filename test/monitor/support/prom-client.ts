// prom-client is a dependency of @steadfast/monitor, not of the repository root: reach the very
// copy the monitor uses (so registries are shared, not look-alikes).
export { Counter, Registry } from '../../../packages/monitor/node_modules/prom-client/index.js'
