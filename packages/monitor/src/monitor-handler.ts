import type { IncomingMessage, ServerResponse } from 'node:http'
import { Registry } from 'prom-client'
import { parseAlertmanagerPayload } from './alertmanager-payload.js'
import { AlertmanagerReceiver } from './alertmanager-receiver.js'
import { applySetAction, type SetAction } from './apply-set-action.js'
import { checkBearer } from './bearer-auth.js'
import { createEndpointLabeler } from './endpoint-label.js'
import { HttpError } from './http-error.js'
import { MetricsConflictError } from './monitor-errors.js'
import { registerMonitorMetrics } from './monitor-metrics.js'
import type { MonitorHandlerOptions } from './monitor-options.js'
import { parseActionRequest } from './parse-action-request.js'
import { discard, readJsonBody } from './read-json-body.js'
import { statusSnapshot } from './status-snapshot.js'
import { validateMonitorOptions } from './validate-monitor-options.js'

/** A node:http request handler (Express-style `next` optional) serving the monitor's routes. */
export interface MonitorHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void
  /** The registry `/metrics` serves. */
  readonly registry: Registry
  /** Unsubscribes from the sets and unregisters the metrics; later requests get 503. */
  close(): void
}

type Method = 'GET' | 'POST'
interface Route {
  method: Method
  run(req: IncomingMessage, res: ServerResponse): Promise<void> | void
}

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  if (res.headersSent || res.destroyed) return
  const text = `${JSON.stringify(body)}\n`
  res.writeHead(status, { ...HEADERS, ...headers, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function sendError(req: IncomingMessage, res: ServerResponse, error: unknown, limit: number): void {
  discard(req, limit)
  if (error instanceof HttpError) {
    const field = error.field === undefined ? {} : { field: error.field }
    const close = error.status === 413 ? { connection: 'close' } : {}
    send(
      res,
      error.status,
      { error: { code: error.code, message: error.message, ...field } },
      {
        ...error.headers,
        ...close,
      },
    )
    return
  }
  // Unexpected: never echo the message (it could hold anything); the route logic avoids this path.
  send(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } })
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
  let metrics: ReturnType<typeof registerMonitorMetrics>
  try {
    metrics = registerMonitorMetrics({ sets: o.sets, registry, prefix: o.metricPrefix, label })
  } catch (error) {
    throw new MetricsConflictError(error)
  }
  const receiver = new AlertmanagerReceiver(o.sets, o.mapper, o.alertAction, (a) =>
    metrics.countAction(a, 'alertmanager'),
  )
  const mutate =
    (run: (body: unknown) => unknown) =>
    async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      checkBearer(req.headers.authorization, o.token)
      const body = await readJsonBody(req, o.bodyLimitBytes)
      send(res, 200, run(body))
    }
  const action = (name: SetAction): Route => ({
    method: 'POST',
    run: mutate((body) => {
      const result = applySetAction(o.sets, name, parseActionRequest(body))
      metrics.countAction(name, 'api')
      const set = o.sets.find((s) => s.name === result.set)!
      return {
        ...result,
        endpoints: result.endpoints.map((id) => label(set, id)),
        current: result.current === undefined ? null : label(set, result.current),
      }
    }),
  })
  const routes = new Map<string, Route>([
    ['/healthz', { method: 'GET', run: (_q, res) => send(res, 200, { status: 'ok' }) }],
    [
      '/readyz',
      {
        method: 'GET',
        run: (_q, res) => {
          const down = o.requiredSets.filter((n) => !o.sets.find((s) => s.name === n)?.ready)
          if (down.length === 0) send(res, 200, { ready: true })
          else {
            const reason = `no usable endpoint in set${down.length > 1 ? 's' : ''} ${down.join(', ')}`
            send(res, 503, { ready: false, reason, sets: down })
          }
        },
      },
    ],
    ['/status', { method: 'GET', run: (_q, res) => send(res, 200, statusSnapshot(o.sets, label)) }],
    [
      '/metrics',
      {
        method: 'GET',
        run: async (_q, res) => {
          const text = await registry.metrics()
          res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
          res.end(text)
        },
      },
    ],
    ['/rebalance', action('rebalance')],
    ['/cordon', action('cordon')],
    ['/uncordon', action('uncordon')],
    ['/prefer', action('prefer')],
    [
      '/alertmanager',
      {
        method: 'POST',
        run: mutate((body) => {
          const payload = parseAlertmanagerPayload(body)
          const alerts = receiver.receive(payload)
          const applied = alerts.reduce(
            (n, a) => n + a.targets.filter((t) => t.outcome === 'applied').length,
            0,
          )
          return { receiver: payload.receiver ?? null, status: payload.status, applied, alerts }
        }),
      },
    ],
  ])

  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
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
      return fail(
        new HttpError(405, 'METHOD_NOT_ALLOWED', `${path} takes ${allow}`, undefined, { allow }),
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
