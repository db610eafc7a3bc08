export { EndpointsExhaustedError } from '@steadfast/core'
export { type EvmProbeOptions, evmProbe } from './evm-probe.js'
export { FailoverProvider } from './failover-provider.js'
export { METHOD_SAFETY, type MethodSafety, methodSafety } from './method-safety.js'
export {
  type FailoverEndpoint,
  type FailoverPreset,
  type FailoverProviderOptions,
  PRESETS,
} from './options.js'
export { PinnedProvider } from './pinned-provider.js'
export { type FailoverContext, shouldFailover } from './should-failover.js'
export { TESSERA_UP, tesseraUpcheck } from './tessera-upcheck.js'
export {
  ChainMismatchError,
  HttpStatusError,
  InvalidResponseError,
  ReplicaBehindError,
  RpcErrorResponse,
  TransportError,
} from './transport-errors.js'
