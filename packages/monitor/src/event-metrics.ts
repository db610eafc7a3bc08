import { Counter, Histogram } from 'prom-client'
import type { MetricsContext } from './monitor-metrics.js'
import { ENDPOINT_STATES } from './status-gauges.js'

const OUTCOMES = ['success', 'failure', 'fatal', 'aborted'] as const

/** Histogram buckets for request and probe durations, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Counters and histograms fed by the sets' events; returns the event disposers. */
export function registerEventMetrics(ctx: MetricsContext): Array<() => void> {
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
  // With DNS discovery endpoints come and go (pods are replaced): drop the series of removed
  // endpoints, or the label set would grow without bound.
  const forget = (set: string, endpoint: string): void => {
    for (const outcome of OUTCOMES) {
      requests.remove({ set, endpoint, outcome })
      duration.remove({ set, endpoint, outcome })
    }
    for (const outcome of ['success', 'failure']) probes.remove({ set, endpoint, outcome })
    for (const state of ENDPOINT_STATES) transitions.remove({ set, endpoint, state })
    failovers.remove({ set, endpoint })
    hedges.remove({ set, endpoint })
  }
  return sets.flatMap((set) => {
    const s = set.name
    return [
      set.on('membership', (e) => {
        for (const id of e.removed) forget(s, label(set, id))
      }),
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
