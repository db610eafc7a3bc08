import type { IncomingMessage, ServerResponse } from 'node:http'
import { Registry } from 'prom-client'
import { AlertmanagerReceiver } from './alertmanager-receiver.js'
import { createEndpointLabeler } from './endpoint-label.js'
import { hostAllowed } from './host-allowed.js'
import { HttpError } from './http-error.js'
import { MetricsConflictError } from './monitor-errors.js'
import { type MonitorMetrics, registerMonitorMetrics } from './monitor-metrics.js'
import type { MonitorHandlerOptions } from './monitor-options.js'
import { createMonitorRoutes } from './monitor-routes.js'
import { sendError } from './send-json.js'
import { validateMonitorOptions } from './validate-monitor-options.js'

/** A node:http request handler (Express-style `next` optional) serving the monitor's routes. */
export interface MonitorHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void
  /** The registry `/metrics` serves. */
  readonly registry: Registry
  /** Unsubscribes from the sets and unregisters the metrics; later requests get 503. */
  close(): void
}

/**
 * Creates the monitor's request handler, to mount on any node:http-compatible server
 * (`http.createServer(handler)`, Express `app.use('/steadfast', handler)`, Fastify via
 * `@fastify/middie`). Unknown paths go to `next()` when given, else 404.
 * Throws `ConfigError` (`INVALID_CONFIG`) for bad options, `MetricsConflictError` when the
 * registry already holds a metric of the same name.
 */
export function createMonitorHandler(options: MonitorHandlerOptions): MonitorHandler {
  const o = validateMonitorOptions(options)
  const registry = options.registry ?? new Registry()
  const label = createEndpointLabeler()
  let metrics: MonitorMetrics
  try {
    metrics = registerMonitorMetrics({ sets: o.sets, registry, prefix: o.metricPrefix, label })
  } catch (error) {
    throw new MetricsConflictError(error)
  }
  const receiver = new AlertmanagerReceiver(o.sets, o.mapper, o.alertAction, (a) =>
    metrics.countAction(a, 'alertmanager'),
  )
  const routes = createMonitorRoutes({ o, registry, label, metrics, receiver })

  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    options.signal?.removeEventListener('abort', close)
    metrics.dispose()
  }
  options.signal?.addEventListener('abort', close, { once: true })
  if (options.signal?.aborted) close()

  const handler = (req: IncomingMessage, res: ServerResponse, next?: (e?: unknown) => void) => {
    const path = (req.url ?? '/').split('?')[0]?.replace(/\/+$/, '') || '/'
    const route = routes.get(path)
    const fail = (error: unknown): void => sendError(req, res, error, o.bodyLimitBytes)
    if (!route) {
      if (next) return next()
      return fail(new HttpError(404, 'NOT_FOUND', `no route ${path}`))
    }
    const method = req.method === 'HEAD' && route.method === 'GET' ? 'GET' : req.method
    if (method !== route.method) {
      const allow = route.method === 'GET' ? 'GET, HEAD' : 'POST'
      const message = `${path} takes ${allow}`
      return fail(new HttpError(405, 'METHOD_NOT_ALLOWED', message, undefined, { allow }))
    }
    if (!hostAllowed(req.headers.host, o.allowedHosts)) {
      return fail(
        new HttpError(
          403,
          'HOST_NOT_ALLOWED',
          'Host header names a host this monitor does not serve',
        ),
      )
    }
    if (closed) return fail(new HttpError(503, 'CLOSED', 'monitor closed'))
    try {
      Promise.resolve(route.run(req, res)).catch(fail)
    } catch (error) {
      fail(error)
    }
  }
  return Object.assign(handler, { registry, close })
}
