import type { EndpointSet } from '@steadfast/core'
import type { Registry } from 'prom-client'
import type { AlertLabelMapping } from './alert-label-mapping.js'

/** Options shared by {@link createMonitorHandler} and {@link startMonitor}. */
export interface MonitorHandlerOptions {
  /** The endpoint sets to watch and steer, each by its unique `name`. Required, at least one. */
  sets: readonly EndpointSet[]
  /**
   * Bearer token required by every mutating route (`POST /rebalance`, `/cordon`, `/uncordon`,
   * `/prefer`, `/alertmanager`); at least 16 visible ASCII characters, no spaces. Without it those routes answer 403.
   * @default undefined (mutating routes disabled)
   */
  token?: string
  /**
   * prom-client registry the metrics are registered in; pass the app's own to serve them
   * together on one `/metrics`. The monitor never touches metrics it did not register.
   * @default a new Registry owned by the monitor
   */
  registry?: Registry
  /** Prefix of every metric name. @default 'steadfast_' */
  metricPrefix?: string
  /**
   * Names of the sets that must have a usable endpoint for `GET /readyz` to answer 200.
   * @default every set
   */
  requiredSets?: readonly string[]
  /** Largest accepted request body, in bytes; larger bodies get 413. @default 65536 (64 KiB) */
  bodyLimitBytes?: number
  /**
   * How Alertmanager alert labels pick a set, an endpoint and an action: label names, or a
   * function. See the README's "Label mapping rule".
   * @default { set: 'steadfast_set', endpoint: 'steadfast_endpoint', instance: 'instance', action: 'steadfast_action', ttl: 'steadfast_ttl' }
   */
  alertLabelMapping?: AlertLabelMapping
  /**
   * What a firing alert does when it carries no action label: `'cordon'` (a resolved alert
   * uncordons) or `'rebalance'` (nothing to undo on resolve).
   * @default 'cordon'
   */
  alertAction?: 'cordon' | 'rebalance'
  /**
   * Host names accepted in the `Host` header (any port), case-insensitive; the entry `'loopback'`
   * stands for localhost and every loopback address. Other hosts get 403 (`HOST_NOT_ALLOWED`):
   * this stops DNS-rebinding pages in a local browser from reading the routes.
   * @default any host for createMonitorHandler; `['loopback']` for startMonitor on a loopback host
   */
  allowedHosts?: readonly string[]
  /** Disposes the handler (metrics listeners) when aborted. @default undefined */
  signal?: AbortSignal
}

/** Options of {@link startMonitor}. */
export interface StartMonitorOptions extends MonitorHandlerOptions {
  /**
   * TCP port to listen on; 0 picks a free one (read it back from the result).
   * 9465 sits next to OpenTelemetry's Prometheus exporter (9464) without colliding with it.
   * @default 9465
   */
  port?: number
  /**
   * Address to bind. Anything but a loopback address (127.0.0.0/8, ::1, localhost) requires a
   * `token`, or startup fails with `INSECURE_BIND`.
   * @default '127.0.0.1'
   */
  host?: string
  /** Longest time to receive one whole request, in ms (slow-loris guard). @default 10000 */
  requestTimeoutMs?: number
}

/** Defaults, in one place so the README and the code agree. */
export const MONITOR_DEFAULTS = {
  port: 9465,
  host: '127.0.0.1',
  bodyLimitBytes: 64 * 1024,
  metricPrefix: 'steadfast_',
  requestTimeoutMs: 10_000,
  minTokenLength: 16,
  alertAction: 'cordon',
} as const
