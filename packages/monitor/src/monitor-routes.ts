import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import { parseAlertmanagerPayload } from './alertmanager-payload.js'
import type { AlertmanagerReceiver } from './alertmanager-receiver.js'
import { applySetAction, type SetAction } from './apply-set-action.js'
import { checkBearer } from './bearer-auth.js'
import type { createEndpointLabeler } from './endpoint-label.js'
import type { MonitorMetrics } from './monitor-metrics.js'
import { parseActionRequest } from './parse-action-request.js'
import { readJsonBody } from './read-json-body.js'
import { sendJson } from './send-json.js'
import { statusSnapshot } from './status-snapshot.js'
import type { ResolvedHandlerOptions } from './validate-monitor-options.js'

/** One route: its method and what it does. Errors thrown become JSON error answers. */
export interface Route {
  method: 'GET' | 'POST'
  run(req: IncomingMessage, res: ServerResponse): Promise<void> | void
}

/** What the routes share. */
export interface RouteContext {
  o: ResolvedHandlerOptions
  registry: Registry
  label: ReturnType<typeof createEndpointLabeler>
  metrics: MonitorMetrics
  receiver: AlertmanagerReceiver
}

function readyz(o: ResolvedHandlerOptions): Route['run'] {
  return (_req, res) => {
    const down = o.requiredSets.filter((n) => !o.sets.find((s) => s.name === n)?.ready)
    if (down.length === 0) return sendJson(res, 200, { ready: true })
    const reason = `no usable endpoint in set${down.length > 1 ? 's' : ''} ${down.join(', ')}`
    sendJson(res, 503, { ready: false, reason, sets: down })
  }
}

function metricsRoute(registry: Registry): Route['run'] {
  return async (_req, res) => {
    const text = await registry.metrics()
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
    res.end(text)
  }
}

/** A POST route: bearer token first (before any body is read), then the JSON body. */
function mutating(o: ResolvedHandlerOptions, run: (body: unknown) => unknown): Route {
  return {
    method: 'POST',
    run: async (req, res) => {
      checkBearer(req.headers.authorization, o.token)
      const body = await readJsonBody(req, o.bodyLimitBytes)
      sendJson(res, 200, run(body))
    },
  }
}

function action(ctx: RouteContext, name: SetAction): Route {
  const { o, label, metrics } = ctx
  return mutating(o, (body) => {
    const result = applySetAction(o.sets, name, parseActionRequest(body))
    metrics.countAction(name, 'api')
    const set = o.sets.find((s) => s.name === result.set)!
    return {
      ...result,
      endpoints: result.endpoints.map((id) => label(set, id)),
      current: result.current === undefined ? null : label(set, result.current),
    }
  })
}

function alertmanager(ctx: RouteContext): Route {
  return mutating(ctx.o, (body) => {
    const payload = parseAlertmanagerPayload(body)
    const alerts = ctx.receiver.receive(payload)
    const applied = alerts.reduce(
      (n, a) => n + a.targets.filter((t) => t.outcome === 'applied').length,
      0,
    )
    return { receiver: payload.receiver ?? null, status: payload.status, applied, alerts }
  })
}

/** Every route of the monitor, by path. */
export function createMonitorRoutes(ctx: RouteContext): ReadonlyMap<string, Route> {
  const { o, label } = ctx
  return new Map<string, Route>([
    ['/healthz', { method: 'GET', run: (_q, res) => sendJson(res, 200, { status: 'ok' }) }],
    ['/readyz', { method: 'GET', run: readyz(o) }],
    [
      '/status',
      { method: 'GET', run: (_q, res) => sendJson(res, 200, statusSnapshot(o.sets, label)) },
    ],
    ['/metrics', { method: 'GET', run: metricsRoute(ctx.registry) }],
    ['/rebalance', action(ctx, 'rebalance')],
    ['/cordon', action(ctx, 'cordon')],
    ['/uncordon', action(ctx, 'uncordon')],
    ['/prefer', action(ctx, 'prefer')],
    ['/alertmanager', alertmanager(ctx)],
  ])
}
