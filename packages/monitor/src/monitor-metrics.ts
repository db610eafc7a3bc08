import type { EndpointSet, EndpointState, EndpointStatus } from '@steadfast/core'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { createEndpointLabeler } from './endpoint-label.js'

/** Every state an endpoint can be in: one `endpoint_state` series per state (enum style). */
export const ENDPOINT_STATES: readonly EndpointState[] = [
  'unknown',
  'healthy',
  'degraded',
  'unhealthy',
  'ejected',
  'cordoned',
  'quarantined',
]

/** States that serve calls, as the core counts them. */
const USABLE: ReadonlySet<EndpointState> = new Set(['healthy', 'degraded', 'unknown'])

/** Histogram buckets for request and probe durations, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Handle on the registered metrics. */
export interface MonitorMetrics {
  /** Counts one action taken through the monitor (`source`: `api` or `alertmanager`). */
  countAction(action: string, source: 'api' | 'alertmanager'): void
  /** Stops listening to the sets and unregisters every metric this monitor registered. */
  dispose(): void
}

interface Ctx {
  sets: readonly EndpointSet[]
  registry: Registry
  prefix: string
  label: ReturnType<typeof createEndpointLabeler>
}

/** Gauges read from `status()` at scrape time, so they are never stale. */
function registerStatusGauges(ctx: Ctx): void {
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
    (s) => (USABLE.has(s.state) ? 1 : 0),
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

/** Counters and histograms fed by the sets' events; returns the event disposers. */
function registerEventMetrics(ctx: Ctx): Array<() => void> {
  const { sets, registry, prefix, label } = ctx
  const r = [registry]
  const requests = new Counter({
    name: `${prefix}requests_total`,
    help: 'Attempts by endpoint and outcome (success, failure, fatal, aborted)',
    labelNames: ['set', 'endpoint', 'outcome'],
    registers: r,
  })
  const duration = new Histogram({
    name: `${prefix}request_duration_seconds`,
    help: 'Duration of attempts by endpoint and outcome',
    labelNames: ['set', 'endpoint', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: r,
  })
  const failovers = new Counter({
    name: `${prefix}failovers_total`,
    help: 'Failovers away from an endpoint to another one',
    labelNames: ['set', 'endpoint'],
    registers: r,
  })
  const hedges = new Counter({
    name: `${prefix}hedges_total`,
    help: 'Hedged attempts sent to an endpoint',
    labelNames: ['set', 'endpoint'],
    registers: r,
  })
  const rebalances = new Counter({
    name: `${prefix}rebalances_total`,
    help: 'Rebalances of a set (the endpoint to hold changed or was re-chosen)',
    labelNames: ['set'],
    registers: r,
  })
  const transitions = new Counter({
    name: `${prefix}state_transitions_total`,
    help: 'Endpoint state changes, by the state entered',
    labelNames: ['set', 'endpoint', 'state'],
    registers: r,
  })
  const probes = new Histogram({
    name: `${prefix}probe_duration_seconds`,
    help: 'Duration of health probes by endpoint and outcome (success, failure)',
    labelNames: ['set', 'endpoint', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: r,
  })
  return sets.flatMap((set) => {
    const s = set.name
    return [
      set.on('attempt', (e) => {
        const l = { set: s, endpoint: label(set, e.endpoint), outcome: e.outcome }
        requests.inc(l)
        duration.observe(l, e.durationMs / 1000)
      }),
      set.on('failover', (e) => failovers.inc({ set: s, endpoint: label(set, e.from) })),
      set.on('hedge', (e) => hedges.inc({ set: s, endpoint: label(set, e.endpoint) })),
      set.on('rebalance', () => rebalances.inc({ set: s })),
      set.on('stateChange', (e) =>
        transitions.inc({ set: s, endpoint: label(set, e.endpoint), state: e.to }),
      ),
      set.on('probe', (e) =>
        probes.observe(
          { set: s, endpoint: label(set, e.endpoint), outcome: e.ok ? 'success' : 'failure' },
          e.latencyMs / 1000,
        ),
      ),
    ]
  })
}

/**
 * Registers the monitor's metrics in `registry` and subscribes to the sets' events.
 * Labels are low-cardinality: set name, endpoint id (scrubbed), outcome or state — never a URL.
 */
export function registerMonitorMetrics(ctx: Ctx): MonitorMetrics {
  const before = new Set(ctx.registry.getMetricsAsArray().map((m) => m.name))
  const ours = (): string[] =>
    ctx.registry
      .getMetricsAsArray()
      .map((m) => m.name)
      .filter((n) => !before.has(n))
  let disposers: Array<() => void> = []
  let actions: Counter<'action' | 'source'>
  try {
    registerStatusGauges(ctx)
    disposers = registerEventMetrics(ctx)
    actions = new Counter({
      name: `${ctx.prefix}monitor_actions_total`,
      help: 'Actions taken through the monitor, by action and source (api, alertmanager)',
      labelNames: ['action', 'source'],
      registers: [ctx.registry],
    })
  } catch (error) {
    for (const d of disposers) d()
    for (const n of ours()) ctx.registry.removeSingleMetric(n)
    throw error
  }
  const registered = ours()
  return {
    countAction: (action, source) => actions.inc({ action, source }),
    dispose() {
      for (const d of disposers.splice(0)) d()
      for (const n of registered) ctx.registry.removeSingleMetric(n)
    },
  }
}
