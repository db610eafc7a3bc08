import { type EndpointSet, redactText, redactUrl } from '@steadfast/core'

/**
 * The endpoint id as shown in metric labels and status output: ids are normally derived from
 * the redacted URL already, but a user-chosen id could hold a URL or a secret, so it is
 * scrubbed again here. Cached per set and id (ids are few and immutable).
 */
export function createEndpointLabeler(): (set: EndpointSet, id: string) => string {
  const cache = new Map<EndpointSet, Map<string, string>>()
  return (set, id) => {
    let perSet = cache.get(set)
    if (!perSet) {
      perSet = new Map()
      cache.set(set, perSet)
    }
    let label = perSet.get(id)
    if (label === undefined) {
      const urls = set.endpoints.map((e) => e.url)
      label = redactText(id.includes('://') ? redactUrl(id) : id, urls)
      perSet.set(id, label)
    }
    return label
  }
}
