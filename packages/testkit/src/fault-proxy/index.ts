export type { FaultMode, HttpFaultRequest } from './fault-mode.js'
export { jsonRpcErrorBody, validateFaultMode } from './fault-mode.js'
export type { FaultProxy, FaultProxyOptions, FaultProxyStats } from './start-fault-proxy.js'
export { startFaultProxy } from './start-fault-proxy.js'
