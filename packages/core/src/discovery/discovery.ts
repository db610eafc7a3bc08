import type { EndpointInput } from '../types.js'

/**
 * A membership source. The set calls `resolve` once at start and then every `intervalMs`
 * (when given); a resolve that fails or returns nothing keeps the current members.
 */
export interface Discovery {
  /** Refresh period in ms. Default: resolve once. */
  readonly intervalMs?: number
  resolve(signal: AbortSignal): Promise<readonly EndpointInput[]>
}

/** A fixed list (the same as the `endpoints` option, as a Discovery). */
export function staticDiscovery(endpoints: readonly EndpointInput[]): Discovery {
  const list = [...endpoints]
  return { resolve: async () => list }
}
