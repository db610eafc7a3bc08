import type { Candidate } from '../policies/policy.js'
import type { ExecuteOptions } from '../types.js'

/**
 * The per-call filter given to pickers: not yet tried, not excluded, at least `minHeight`, and
 * (for `fresh`) no more than `maxLag` behind the best height. Unknown heights pass: heads are
 * only compared with each other, so an idle chain is never flagged.
 */
export function memberFilter(
  o: ExecuteOptions,
  tried: ReadonlySet<string>,
  bestHeight: number | undefined,
  maxLag: number,
): (c: Candidate & { height?: number | undefined }) => boolean {
  const exclude = o.exclude && o.exclude.length > 0 ? new Set(o.exclude) : undefined
  const minHeight = o.minHeight
  const floor = o.fresh && bestHeight !== undefined ? bestHeight - maxLag : undefined
  return (c) => {
    const id = c.endpoint.id
    if (tried.has(id) || exclude?.has(id)) return false
    const h = c.height
    if (h === undefined) return true
    if (minHeight !== undefined && h < minHeight) return false
    return floor === undefined || h >= floor
  }
}
