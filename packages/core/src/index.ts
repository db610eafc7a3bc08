export type { NumberRule } from './config/check.js'
// Option checkers shared with the adapters: each throws ConfigError naming the field path.
export {
  checkBoolean,
  checkFunction,
  checkNumber,
  checkOneOf,
  checkSignal,
  checkString,
  checkStringMap,
  checkUrl,
  isRecord,
  optObject,
} from './config/check.js'
export type { EndpointSet, EndpointSetOptions } from './create-endpoint-set.js'
export { createEndpointSet } from './create-endpoint-set.js'
export type { Discovery } from './discovery/discovery.js'
export { staticDiscovery } from './discovery/discovery.js'
export type { DnsDiscoveryOptions, DnsResolver } from './discovery/dns.js'
export { dnsDiscovery } from './discovery/dns.js'
export {
  AbortedError,
  AttemptTimeoutError,
  DeadlineExceededError,
  InvalidTransitionError,
  NoEndpointAvailableError,
} from './errors/call-errors.js'
export { ConfigError } from './errors/config-error.js'
export type { AttemptRecord } from './errors/endpoints-exhausted-error.js'
export { EndpointsExhaustedError } from './errors/endpoints-exhausted-error.js'
export type { SteadfastErrorArgs } from './errors/steadfast-error.js'
export { SteadfastError } from './errors/steadfast-error.js'
export { backoffDelay } from './execute/backoff.js'
export type { PolicyName } from './policies/create-policy.js'
export { policies } from './policies/create-policy.js'
export { leastLatencyPolicy } from './policies/least-latency.js'
export { p2cPolicy } from './policies/p2c.js'
export type { Candidate, Picker, Policy, PolicyContext, Tier } from './policies/policy.js'
export { priorityPolicy } from './policies/priority.js'
export { roundRobinPolicy } from './policies/round-robin.js'
export { weightedPolicy } from './policies/weighted.js'
export { redactText } from './redact/redact-text.js'
export { redactUrl } from './redact/redact-url.js'
export { canTransition, ENDPOINT_STATES, isUsable, transition } from './state/transition.js'
export type {
  AttemptContext,
  Endpoint,
  EndpointConfig,
  EndpointInput,
  EndpointState,
  EndpointStatus,
  ExecuteOptions,
  FailureKind,
  Probe,
  ProbeResult,
  SetEvents,
  ShouldFailover,
} from './types.js'
