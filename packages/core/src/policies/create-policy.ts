import { leastLatencyPolicy } from './least-latency.js'
import { p2cPolicy } from './p2c.js'
import type { Policy } from './policy.js'
import { priorityPolicy } from './priority.js'
import { roundRobinPolicy } from './round-robin.js'
import { weightedPolicy } from './weighted.js'

export type PolicyName = 'priority' | 'roundRobin' | 'weighted' | 'leastLatency' | 'p2c'

/** Factories of the built-in policies, by name. */
export const policies: Readonly<Record<PolicyName, () => Policy>> = Object.freeze({
  priority: priorityPolicy,
  roundRobin: roundRobinPolicy,
  weighted: weightedPolicy,
  leastLatency: leastLatencyPolicy,
  p2c: p2cPolicy,
})

/** A fresh policy instance (policies keep sticky state, so each set gets its own). */
export function createPolicy(policy: PolicyName | Policy): Policy {
  return typeof policy === 'string' ? policies[policy]() : policy
}
