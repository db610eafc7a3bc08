import type { EndpointSet } from '@steadfast/core'

/**
 * Logs what the SDK itself saw (state changes, moves of the held endpoint) next to the chaos
 * actions, so the log reads "killed X" then "X healthy → ejected". Returns the disposers.
 */
export function logSetEvents(
  sets: readonly EndpointSet[],
  note: (line: string) => void,
): (() => void)[] {
  return sets.flatMap((set) => [
    set.on('stateChange', (e) => note(`${e.set}: ${e.url} ${e.from} → ${e.to} (${e.reason})`)),
    set.on('rebalance', (e) => {
      if (e.from === e.to) return
      note(
        `${e.set}: ${e.from ? `moved ${e.from} → ` : 'now on '}${e.to ?? 'nothing'} (${e.reason})`,
      )
    }),
  ])
}
