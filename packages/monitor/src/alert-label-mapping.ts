import type { EndpointSet } from '@steadfast/core'
import type { AlertmanagerAlert } from './alertmanager-payload.js'
import { findEndpoints } from './find-endpoints.js'
import { parseDuration } from './parse-duration.js'

/** What an alert asks for when firing. `none` records the alert and changes nothing. */
export type AlertAction = 'cordon' | 'rebalance' | 'none'

/** One set (and, for cordon, one endpoint) an alert applies to. */
export interface AlertTarget {
  /** Set name. */
  set: string
  /** Endpoint id; required for `cordon`, optional for `rebalance` (moves away from it). */
  endpoint?: string
  action: AlertAction
  /** Cordon TTL in ms (firing alerts only). @default undefined: until the alert resolves */
  ttlMs?: number
}

/** Where an alert maps: targets, or why it maps nowhere. */
export type AlertResolution = { targets: AlertTarget[] } | { unmatched: string }

/** Label names read by the default rule. Each has the default shown. */
export interface AlertLabelNames {
  /** Label naming the set. @default 'steadfast_set' */
  set?: string
  /** Label naming the endpoint (id or host:port). @default 'steadfast_endpoint' */
  endpoint?: string
  /** Label matched against endpoint ids and URL host:port. @default 'instance' */
  instance?: string
  /** Label choosing `cordon`, `rebalance` or `none`. @default 'steadfast_action' */
  action?: string
  /** Label giving a cordon TTL such as `30m`. @default 'steadfast_ttl' */
  ttl?: string
  /** When `instance` matches no host:port, match endpoints on the same host. @default false */
  hostOnly?: boolean
}

/** A custom rule: map one alert to targets (or say why none). */
export type AlertMapper = (
  alert: AlertmanagerAlert,
  sets: readonly EndpointSet[],
  defaultAction: AlertAction,
) => AlertResolution

/** Either label names for the default rule or a whole custom rule. */
export type AlertLabelMapping = AlertLabelNames | AlertMapper

const ACTIONS: readonly string[] = ['cordon', 'rebalance', 'none']

function targetsFor(
  sets: readonly EndpointSet[],
  ref: string,
  hostOnly: boolean,
  base: Omit<AlertTarget, 'set' | 'endpoint'>,
): AlertTarget[] {
  return sets.flatMap((s) =>
    findEndpoints(s, ref, hostOnly).map((e) => ({ ...base, set: s.name, endpoint: e.id })),
  )
}

/**
 * The default rule (see the README):
 * 1. with a `steadfast_set` label: that set; the endpoint from `steadfast_endpoint`, else from
 *    `instance` if it matches one of the set's endpoints; a rebalance needs no endpoint;
 * 2. else with an `instance` label: every endpoint, in every set, whose id or URL host:port equals it;
 * 3. else: unmatched.
 * The action comes from `steadfast_action` (default: the monitor's `alertAction`), the cordon TTL
 * from `steadfast_ttl`.
 */
export function labelRule(names: AlertLabelNames = {}): AlertMapper {
  const n = {
    set: names.set ?? 'steadfast_set',
    endpoint: names.endpoint ?? 'steadfast_endpoint',
    instance: names.instance ?? 'instance',
    action: names.action ?? 'steadfast_action',
    ttl: names.ttl ?? 'steadfast_ttl',
  }
  const hostOnly = names.hostOnly ?? false
  return (alert, sets, defaultAction) => {
    const l = alert.labels
    const action = l[n.action] ?? defaultAction
    if (!ACTIONS.includes(action)) return { unmatched: `label ${n.action}: unknown action` }
    const base: Omit<AlertTarget, 'set' | 'endpoint'> = { action: action as AlertAction }
    const ttl = l[n.ttl]
    if (ttl !== undefined) {
      const ttlMs = parseDuration(ttl)
      if (ttlMs === undefined) return { unmatched: `label ${n.ttl}: not a duration such as 30m` }
      base.ttlMs = ttlMs
    }
    const setName = l[n.set]
    const instance = l[n.instance]
    if (setName !== undefined) {
      const set = sets.find((s) => s.name === setName)
      if (!set) return { targets: [{ ...base, set: setName }] }
      const ref = l[n.endpoint] ?? instance
      if (ref === undefined) return { targets: [{ ...base, set: setName }] }
      const found = targetsFor([set], ref, hostOnly, base)
      if (found.length > 0) return { targets: found }
      // An explicit endpoint label that matches nothing is reported, not silently widened.
      if (l[n.endpoint] !== undefined || action === 'cordon') {
        return {
          unmatched: `no endpoint of set ${setName} matches ${l[n.endpoint] ? n.endpoint : n.instance}`,
        }
      }
      return { targets: [{ ...base, set: setName }] }
    }
    if (instance !== undefined) {
      const found = targetsFor(sets, instance, hostOnly, base)
      return found.length > 0
        ? { targets: found }
        : { unmatched: `no endpoint matches label ${n.instance}` }
    }
    return { unmatched: `no ${n.set}, ${n.endpoint} or ${n.instance} label` }
  }
}
