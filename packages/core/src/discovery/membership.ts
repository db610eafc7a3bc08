import { normalizeEndpoint } from '../config/normalize-endpoint.js'
import type { Endpoint, EndpointInput } from '../types.js'

export interface MembershipDiff {
  added: Endpoint[]
  removed: string[]
}

/**
 * Diffs a discovered list against the current ids. Invalid or duplicate entries are skipped
 * (a bad DNS answer must not break a running set); new endpoints get fresh indexes.
 */
export function diffMembership(
  current: ReadonlySet<string>,
  inputs: readonly EndpointInput[],
  nextIndex: number,
): MembershipDiff & { seen: number } {
  const seen = new Set<string>()
  const added: Endpoint[] = []
  inputs.forEach((input, i) => {
    let e: Endpoint
    try {
      e = normalizeEndpoint(input, nextIndex + added.length, `discovery[${i}]`)
    } catch {
      return
    }
    if (seen.has(e.id)) return
    seen.add(e.id)
    if (!current.has(e.id)) added.push(e)
  })
  const removed = seen.size === 0 ? [] : [...current].filter((id) => !seen.has(id))
  return { added, removed, seen: seen.size }
}
