import { ENDPOINT_STATES, type EndpointStatus, isUsable } from '@steadfast/core'
import { Gauge } from 'prom-client'
import type { MetricsContext } from './monitor-metrics.js'

/** Every state an endpoint can be in: one `endpoint_state` series per state (enum style). */
export { ENDPOINT_STATES }

/** Gauges read from `status()` at scrape time, so they are never stale. */
export function registerStatusGauges(ctx: MetricsContext): void {
  const { sets, registry, prefix, label } = ctx
  const perEndpoint = (
    name: string,
    help: string,
    read: (s: EndpointStatus) => number | undefined,
  ): void => {
    const gauge: Gauge<'set' | 'endpoint'> = new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['set', 'endpoint'],
      registers: [registry],
      collect() {
        gauge.reset()
        for (const set of sets) {
          for (const s of set.status()) {
            const v = read(s)
            if (v !== undefined) gauge.set({ set: set.name, endpoint: label(set, s.id) }, v)
          }
        }
      },
    })
  }
  perEndpoint(
    'endpoint_up',
    '1 when the endpoint serves calls (healthy, degraded or not yet probed), else 0',
    (s) => (isUsable(s.state) ? 1 : 0),
  )
  perEndpoint(
    'endpoint_height',
    'Last known height (block number) of the endpoint',
    (s) => s.height,
  )
  perEndpoint(
    'endpoint_lag',
    'Blocks the endpoint is behind the best height of its set',
    (s) => s.lag,
  )
  perEndpoint('endpoint_latency_seconds', 'Last measured latency of the endpoint', (s) =>
    s.latencyMs === undefined ? undefined : s.latencyMs / 1000,
  )
  perEndpoint('endpoint_in_flight', 'Requests in flight on the endpoint', (s) => s.inFlight)
  const state: Gauge<'set' | 'endpoint' | 'state'> = new Gauge({
    name: `${prefix}endpoint_state`,
    help: 'Endpoint state: 1 for the current state, 0 for the others',
    labelNames: ['set', 'endpoint', 'state'],
    registers: [registry],
    collect() {
      state.reset()
      for (const set of sets) {
        for (const s of set.status()) {
          for (const st of ENDPOINT_STATES) {
            state.set(
              { set: set.name, endpoint: label(set, s.id), state: st },
              s.state === st ? 1 : 0,
            )
          }
        }
      }
    },
  })
  const ready: Gauge<'set'> = new Gauge({
    name: `${prefix}set_ready`,
    help: '1 when the set has a usable endpoint, else 0',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      ready.reset()
      for (const set of sets) ready.set({ set: set.name }, set.ready ? 1 : 0)
    },
  })
}
