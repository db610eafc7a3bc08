import { type EndpointSet, type EndpointState, redactText, redactUrl } from '@steadfast/core'
import type { createEndpointLabeler } from './endpoint-label.js'

/** One endpoint in `GET /status`. Absent values are `null` so every key is always present. */
export interface EndpointSnapshot {
  id: string
  /** Redacted URL. */
  url: string
  state: EndpointState
  /** When the endpoint entered `state`, epoch ms. */
  since: number
  latencyMs: number | null
  height: number | null
  /** Blocks behind the best height of the set. */
  lag: number | null
  inFlight: number
  /** Redacted message of the last failure. */
  lastError: string | null
  /** Why the endpoint is in its state (e.g. the cordon reason). */
  reason: string | null
  labels: Record<string, string>
}

/** One set in `GET /status`. */
export interface SetSnapshot {
  name: string
  ready: boolean
  bestHeight: number | null
  /** Id of the endpoint a connection-holding client should hold now. */
  current: string | null
  endpoints: EndpointSnapshot[]
}

/** The whole `GET /status` body. */
export interface StatusSnapshot {
  /** Epoch ms when the snapshot was taken. */
  time: number
  ready: boolean
  sets: SetSnapshot[]
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v)

/** A JSON-safe snapshot of every set, with every URL and message redacted. */
export function statusSnapshot(
  sets: readonly EndpointSet[],
  label: ReturnType<typeof createEndpointLabeler>,
): StatusSnapshot {
  const snapshots = sets.map((set): SetSnapshot => {
    const urls = set.endpoints.map((e) => e.url)
    const scrub = (t: string | undefined): string | null =>
      t === undefined ? null : redactText(t, urls)
    const current = set.current()
    return {
      name: set.name,
      ready: set.ready,
      bestHeight: orNull(set.bestHeight),
      current: current ? label(set, current.id) : null,
      endpoints: set.status().map((s) => ({
        id: label(set, s.id),
        url: redactText(redactUrl(s.url), urls),
        state: s.state,
        since: s.since,
        latencyMs: orNull(s.latencyMs),
        height: orNull(s.height),
        lag: orNull(s.lag),
        inFlight: s.inFlight,
        lastError: scrub(s.lastError),
        reason: scrub(s.reason),
        labels: Object.fromEntries(
          Object.entries(s.labels).map(([k, v]) => [k, redactText(v, urls)]),
        ),
      })),
    }
  })
  return { time: Date.now(), ready: snapshots.every((s) => s.ready), sets: snapshots }
}
