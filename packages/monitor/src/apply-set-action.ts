import type { EndpointSet } from '@steadfast/core'
import { findEndpoints } from './find-endpoints.js'
import { HttpError, invalidField } from './http-error.js'
import { redactMessage } from './redact-message.js'

/** A mutating operation on a set. */
export type SetAction = 'rebalance' | 'cordon' | 'uncordon' | 'prefer'

/** A validated request to act on one set. */
export interface SetActionRequest {
  /** Set name. */
  set: string
  /** Endpoint id or URL host:port. Required for cordon and prefer. */
  endpoint?: string
  /** For cordon and prefer: how long it lasts, in ms. @default until undone */
  ttlMs?: number
  /** Free text recorded on the state change. */
  reason?: string
}

/** What an action did. */
export interface SetActionResult {
  action: SetAction
  set: string
  /** Ids of the endpoints acted on (empty for a plain rebalance). */
  endpoints: string[]
  /** The endpoint a connection-holding client should hold now, after the action. */
  current: string | undefined
}

export function findSet(sets: readonly EndpointSet[], name: string): EndpointSet {
  const set = sets.find((s) => s.name === name)
  if (!set) {
    throw new HttpError(404, 'UNKNOWN_SET', `set: no set named ${JSON.stringify(name)}`, 'set')
  }
  return set
}

function resolve(set: EndpointSet, ref: string): string[] {
  const found = findEndpoints(set, ref)
  if (found.length === 0) {
    throw new HttpError(
      404,
      'UNKNOWN_ENDPOINT',
      `endpoint: set ${JSON.stringify(set.name)} has no endpoint ${JSON.stringify(ref)}`,
      'endpoint',
    )
  }
  return found.map((e) => e.id)
}

function run(set: EndpointSet, action: SetAction, ids: string[], req: SetActionRequest): void {
  const reason = req.reason ?? `monitor: ${action}`
  const timed = req.ttlMs === undefined ? { reason } : { reason, ttlMs: req.ttlMs }
  switch (action) {
    case 'rebalance':
      set.rebalance(ids[0] === undefined ? { reason } : { reason, from: ids[0] })
      return
    case 'cordon':
      for (const id of ids) set.cordon(id, timed)
      return
    case 'prefer':
      for (const id of ids) set.prefer(id, timed)
      return
    case 'uncordon':
      for (const id of ids) set.uncordon(id, { reason })
      return
  }
}

/**
 * Applies one action to one set. Throws a 404 {@link HttpError} for an unknown set or endpoint,
 * 400 for a missing endpoint or a TTL the action does not take, 409 when the core refuses.
 * `uncordon` without an endpoint uncordons every cordoned endpoint of the set.
 */
export function applySetAction(
  sets: readonly EndpointSet[],
  action: SetAction,
  req: SetActionRequest,
): SetActionResult {
  const set = findSet(sets, req.set)
  if ((action === 'cordon' || action === 'prefer') && req.endpoint === undefined) {
    throw invalidField('endpoint', `required for ${action}`)
  }
  if ((action === 'rebalance' || action === 'uncordon') && req.ttlMs !== undefined) {
    throw invalidField('ttlMs', `not used by ${action}`)
  }
  const ids =
    req.endpoint !== undefined
      ? resolve(set, req.endpoint)
      : action === 'uncordon'
        ? set
            .status()
            .filter((s) => s.state === 'cordoned')
            .map((s) => s.id)
        : []
  try {
    run(set, action, ids, req)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw new HttpError(
      409,
      typeof code === 'string' ? code : 'ACTION_REFUSED',
      `${action}: refused: ${redactMessage(error, set)}`,
    )
  }
  return { action, set: set.name, endpoints: ids, current: set.current()?.id }
}
