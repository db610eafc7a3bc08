import type { EndpointSet } from '@steadfast/core'
import { Counter, type Registry } from 'prom-client'
import type { createEndpointLabeler } from './endpoint-label.js'
import { registerEventMetrics } from './event-metrics.js'
import { registerStatusGauges } from './status-gauges.js'

/** Handle on the registered metrics. */
export interface MonitorMetrics {
  /** Counts one action taken through the monitor (`source`: `api` or `alertmanager`). */
  countAction(action: string, source: 'api' | 'alertmanager'): void
  /** Stops listening to the sets and unregisters every metric this monitor registered. */
  dispose(): void
}

/** What the metric registrations share. */
export interface MetricsContext {
  sets: readonly EndpointSet[]
  registry: Registry
  prefix: string
  label: ReturnType<typeof createEndpointLabeler>
}

/**
 * Registers the monitor's metrics in `registry` and subscribes to the sets' events.
 * Labels are low-cardinality: set name, endpoint id (scrubbed), outcome or state — never a URL.
 */
export function registerMonitorMetrics(ctx: MetricsContext): MonitorMetrics {
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
