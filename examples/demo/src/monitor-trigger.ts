import { randomBytes } from 'node:crypto'
import type { EndpointSet } from '@steadfast/core'
import { startMonitor } from '@steadfast/monitor'

/** The monitoring system's side of the demo: what the chaos script calls to rebalance. */
export interface RebalanceTrigger {
  /** How rebalances are triggered, for the summary. */
  readonly via: string
  /** Base URL of the monitor's HTTP server. */
  readonly url: string
  /** Asks every set to rebalance through the monitor; returns a line for the log. */
  rebalance(reason: string): Promise<string>
  /** Cordons (`on`) or uncordons one endpoint through the monitor; returns a line for the log. */
  cordon(set: string, endpoint: string, on: boolean): Promise<string>
  close(): Promise<void>
}

/**
 * Starts @steadfast/monitor over the demo's sets, so rebalances go through its authenticated
 * `POST /rebalance`, exactly as Alertmanager or an operator would send them.
 */
export async function startRebalanceTrigger(
  sets: readonly EndpointSet[],
  options: { port?: number; host?: string; token?: string } = {},
): Promise<RebalanceTrigger> {
  const token = options.token ?? randomBytes(24).toString('hex')
  const monitor = await startMonitor({
    sets,
    token,
    port: options.port ?? 0,
    ...(options.host !== undefined ? { host: options.host } : {}),
  })
  const post = async (route: string, body: object): Promise<number> => {
    const res = await fetch(`${monitor.url}/${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    })
    await res.arrayBuffer()
    return res.status
  }
  return {
    via: 'POST /rebalance on @steadfast/monitor',
    url: monitor.url,
    async rebalance(reason) {
      const answers = await Promise.all(
        sets.map(async (s) => `${s.name} ${await post('rebalance', { set: s.name, reason })}`),
      )
      return `monitor: POST /rebalance → ${answers.join(', ')}`
    },
    async cordon(set, endpoint, on) {
      const route = on ? 'cordon' : 'uncordon'
      const body = on
        ? { set, endpoint, ttlMs: 600_000, reason: 'maintenance drain' }
        : { set, endpoint }
      return `monitor: POST /${route} ${endpoint} → ${await post(route, body)}`
    },
    close: () => monitor.close(),
  }
}
