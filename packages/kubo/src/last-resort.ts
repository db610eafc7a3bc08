import { type EndpointSet, EndpointsExhaustedError, type ExecuteOptions } from '@steadfast/core'

/** States the set holds back while any node is usable, though such a node may well answer. */
const HELD_BACK = new Set(['ejected', 'unhealthy'])

/**
 * Runs a content read through the set; if every node the set offered failed, tries once each node
 * it held back (ejected or unhealthy, never cordoned or quarantined) before giving up. Content
 * may live on one node only (an add lands on one node; a node without the block hangs until the
 * attempt timeout): after a fault, that node comes back but stays ejected for its ejection time,
 * and without this the read fails although its only holder answers.
 */
export async function withLastResort<T>(
  set: EndpointSet,
  run: (options: ExecuteOptions) => Promise<T>,
  options: ExecuteOptions,
): Promise<T> {
  try {
    return await run(options)
  } catch (err) {
    if (!(err instanceof EndpointsExhaustedError) || options.signal?.aborted) throw err
    const tried = new Set(err.attempts.map((a) => a.id))
    const held = set.status().filter((s) => !tried.has(s.id) && HELD_BACK.has(s.state))
    for (const { id } of held) {
      try {
        return await run({ ...options, only: id, maxAttempts: 1, hedge: false })
      } catch {
        // That one could not serve either: the original error says why the read failed.
      }
    }
    throw err
  }
}
