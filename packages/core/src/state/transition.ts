import { InvalidTransitionError } from '../errors/call-errors.js'
import type { EndpointState } from '../types.js'

/**
 * Allowed moves. Nothing returns to `unknown` except leaving a manual/passive override before the
 * first probe; an unhealthy endpoint is not ejected (it already serves nothing); a quarantined one
 * leaves only for a probe verdict (a clean probe) or an operator cordon.
 */
const ALLOWED: Readonly<Record<EndpointState, readonly EndpointState[]>> = {
  unknown: ['healthy', 'degraded', 'unhealthy', 'ejected', 'cordoned', 'quarantined'],
  healthy: ['degraded', 'unhealthy', 'ejected', 'cordoned', 'quarantined'],
  degraded: ['healthy', 'unhealthy', 'ejected', 'cordoned', 'quarantined'],
  unhealthy: ['healthy', 'degraded', 'cordoned', 'quarantined'],
  ejected: ['unknown', 'healthy', 'degraded', 'unhealthy', 'cordoned', 'quarantined'],
  cordoned: ['unknown', 'healthy', 'degraded', 'unhealthy', 'ejected', 'quarantined'],
  quarantined: ['healthy', 'degraded', 'unhealthy', 'cordoned'],
}

/** Every state an endpoint can be in, in a stable order (for status pages and metric series). */
export const ENDPOINT_STATES = Object.freeze(Object.keys(ALLOWED) as EndpointState[])

export function canTransition(from: EndpointState, to: EndpointState): boolean {
  return ALLOWED[from].includes(to)
}

/** The one transition function: returns `to`, or throws InvalidTransitionError. */
export function transition(from: EndpointState, to: EndpointState): EndpointState {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to)
  return to
}

/** States that serve calls in the normal (non-panic) tiers. */
export function isUsable(state: EndpointState): boolean {
  return state === 'healthy' || state === 'unknown' || state === 'degraded'
}

/** The active-health verdict of probes (what the endpoint is, overrides aside). */
export type Verdict = 'unknown' | 'healthy' | 'degraded' | 'unhealthy'

export interface Overrides {
  cordoned: boolean
  quarantined: boolean
  ejected: boolean
}

/** The effective state: manual cordon beats quarantine beats passive ejection beats the verdict. */
export function deriveState(verdict: Verdict, o: Overrides): EndpointState {
  if (o.cordoned) return 'cordoned'
  if (o.quarantined) return 'quarantined'
  if (o.ejected) return 'ejected'
  return verdict
}
