import { type Endpoint, type Probe, type ProbeResult, redactText } from '@steadfast/core'
import { endpointTarget } from './endpoint-target.js'

export interface KuboProbeOptions {
  /** Which command answers the probe. @default 'version' */
  command?: 'version' | 'id'
  /** Minimum number of swarm peers; fewer marks the node degraded. @default undefined (not checked) */
  minPeers?: number
  /** Repo size ceiling in bytes (`repo/stat` RepoSize); above it the node is degraded. @default undefined */
  maxRepoSizeBytes?: number
}

/**
 * Whether a fetch failed because its pooled keep-alive socket was already closed by the other
 * side ("other side closed", a reset or EPIPE before any answer). `fetch` shares one connection
 * pool per process: a socket left there by an earlier client (or a probe before a node restart,
 * a proxy's idle close) may be dead when reused, which says nothing about the node.
 */
function staleSocket(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE'
}

const STALE_RETRIES = 2

/** POSTs one Kubo RPC command (the API takes POST only) and parses its JSON answer. */
async function rpc(
  endpoint: Endpoint,
  command: string,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const target = endpointTarget(endpoint)
  const base = target.url.replace(/\/+$/, '')
  const prefix = /\/api\/v0$/.test(base) ? base : `${base}/api/v0`
  const send = () =>
    fetch(`${prefix}/${command}`, { method: 'POST', headers: target.headers, signal })
  // A read-only command: resent when the pooled socket was dead (the pool may hold a few; a node
  // resetting every connection still fails after STALE_RETRIES resends).
  let response: Response | undefined
  for (let retries = 0; response === undefined; retries++) {
    response = await send().catch((err: unknown) => {
      if (signal.aborted || retries >= STALE_RETRIES || !staleSocket(err)) throw err
      return undefined
    })
  }
  const text = await response.text()
  if (!response.ok) throw new Error(`${command} answered HTTP ${response.status}`)
  return JSON.parse(text) as Record<string, unknown>
}

/**
 * A health probe for Kubo RPC nodes: POST `/api/v0/version` (or `/id`) must answer within the
 * probe timeout (the set's `health.timeoutMs`, passed in as `signal`). Optionally the node is
 * `degraded` (used only when nothing better is available) with fewer than `minPeers` swarm peers
 * or a repo larger than `maxRepoSizeBytes`.
 */
export function kuboProbe(options: KuboProbeOptions = {}): Probe {
  const command = options.command ?? 'version'
  return async (endpoint, signal): Promise<ProbeResult> => {
    const started = performance.now()
    try {
      await rpc(endpoint, command, signal)
    } catch (err) {
      const message = redactText((err as Error).message, [endpoint.url])
      return { ok: false, details: `${command}: ${message}` }
    }
    const latencyMs = performance.now() - started
    const problems: string[] = []
    try {
      if (options.minPeers !== undefined) {
        const peers = (await rpc(endpoint, 'swarm/peers', signal)).Peers
        const count = Array.isArray(peers) ? peers.length : 0
        if (count < options.minPeers) problems.push(`${count} swarm peers < ${options.minPeers}`)
      }
      if (options.maxRepoSizeBytes !== undefined) {
        const size = Number((await rpc(endpoint, 'repo/stat', signal)).RepoSize)
        if (size > options.maxRepoSizeBytes)
          problems.push(`repo size ${size} B > ${options.maxRepoSizeBytes} B`)
      }
    } catch (err) {
      problems.push(`check failed: ${redactText((err as Error).message, [endpoint.url])}`)
    }
    return problems.length > 0
      ? { ok: true, degraded: true, latencyMs, details: problems.join('; ') }
      : { ok: true, latencyMs }
  }
}
