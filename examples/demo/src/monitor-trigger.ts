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
  return {
    via: 'POST /rebalance on @steadfast/monitor',
    url: monitor.url,
    async rebalance(reason) {
      const answers = await Promise.all(
        sets.map(async (s) => {
          const res = await fetch(`${monitor.url}/rebalance`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ set: s.name, reason }),
            signal: AbortSignal.timeout(5000),
          })
          await res.arrayBuffer()
          return `${s.name} ${res.status}`
        }),
      )
      return `monitor: POST /rebalance → ${answers.join(', ')}`
    },
    close: () => monitor.close(),
  }
}
