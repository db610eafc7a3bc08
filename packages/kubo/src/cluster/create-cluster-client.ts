import {
  createEndpointSet,
  type Endpoint,
  type EndpointSet,
  type EndpointSetOptions,
  type FailureKind,
  type Probe,
  SteadfastError,
} from '@steadfast/core'
import { endpointTarget } from '../endpoint-target.js'
import { kuboShouldFailover } from '../kubo-should-failover.js'
import { scrubError, scrubMessage } from '../scrub-error.js'
import type { ClusterPin, ClusterPinOptions, ClusterPinStatusInfo } from './cluster-types.js'

/** The IPFS Cluster REST API answered an error (`{ code, message }` body). */
export class ClusterApiError extends SteadfastError {
  /** HTTP status of the answer. */
  readonly status: number
  constructor(status: number, message: string, endpoint: string) {
    super('CLUSTER_API_ERROR', `IPFS Cluster answered ${status}: ${message}`, { endpoint })
    this.status = status
  }
}

/** Cluster REST failures: 5xx/408/429 and transport errors move on; other answers are final. */
export function clusterShouldFailover(error: unknown): FailureKind {
  if (error instanceof ClusterApiError)
    return error.status >= 500 || error.status === 408 || error.status === 429
      ? 'retryable'
      : 'fatal'
  return kuboShouldFailover(error)
}

export interface ClusterClientOptions extends Omit<EndpointSetOptions, 'probe'> {
  /** Health probe. @default GET /id answering 200 within `health.timeoutMs`; `false`: none */
  probe?: Probe | false
}

export interface ClusterClient {
  readonly set: EndpointSet
  /** Pins `cid` across the cluster (idempotent: retried on another cluster peer). */
  pin(cid: string, options?: ClusterPinOptions): Promise<ClusterPin>
  /** The pin's status on every cluster peer. */
  status(cid: string, options?: { signal?: AbortSignal }): Promise<ClusterPinStatusInfo>
  /** Unpins `cid`; a 404 on a retry means an earlier attempt already unpinned it. */
  unpin(cid: string, options?: { signal?: AbortSignal }): Promise<void>
  close(): Promise<void>
}

async function request(
  endpoint: Endpoint,
  method: string,
  path: string,
  signal: AbortSignal,
): Promise<unknown> {
  const target = endpointTarget(endpoint)
  let response: Response
  let text: string
  try {
    response = await fetch(`${target.url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: target.headers,
      signal,
    })
    text = await response.text()
  } catch (err) {
    throw scrubError(err, endpoint)
  }
  let body: unknown
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = text
  }
  if (!response.ok) {
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : String(body ?? response.statusText)
    throw new ClusterApiError(
      response.status,
      scrubMessage(message, endpoint),
      endpoint.redactedUrl,
    )
  }
  return body
}

const clusterProbe: Probe = async (endpoint, signal) => {
  const started = performance.now()
  try {
    await request(endpoint, 'GET', '/id', signal)
    return { ok: true, latencyMs: performance.now() - started }
  } catch (err) {
    return { ok: false, details: (err as Error).message }
  }
}

/**
 * A client of the IPFS Cluster REST API (`POST/GET/DELETE /pins/{cid}`) over several cluster
 * peers, with the same failover core as the Kubo client: every call is idempotent, so any
 * transport failure or 5xx moves it to the next peer.
 */
export function createClusterClient(options: ClusterClientOptions): ClusterClient {
  const { probe, ...rest } = options
  const set = createEndpointSet({
    shouldFailover: clusterShouldFailover,
    ...rest,
    ...(probe === false ? {} : { probe: probe ?? clusterProbe }),
  })
  const cidPath = (cid: string) => `/pins/${encodeURIComponent(cid)}`
  return {
    set,
    pin(cid, o = {}) {
      const q = new URLSearchParams()
      if (o.replicationMin !== undefined) q.set('replication-min', String(o.replicationMin))
      if (o.replicationMax !== undefined) q.set('replication-max', String(o.replicationMax))
      if (o.name !== undefined) q.set('name', o.name)
      const query = q.size > 0 ? `?${q}` : ''
      return set.execute(
        (ep, ctx) =>
          request(ep, 'POST', `${cidPath(cid)}${query}`, ctx.signal) as Promise<ClusterPin>,
        o.signal ? { signal: o.signal } : {},
      )
    },
    status(cid, o = {}) {
      return set.execute(
        (ep, ctx) => request(ep, 'GET', cidPath(cid), ctx.signal) as Promise<ClusterPinStatusInfo>,
        { hedge: true, ...(o.signal ? { signal: o.signal } : {}) },
      )
    },
    async unpin(cid, o = {}) {
      await set.execute(
        async (ep, ctx) => {
          try {
            await request(ep, 'DELETE', cidPath(cid), ctx.signal)
          } catch (err) {
            if (!(ctx.attempt > 1 && err instanceof ClusterApiError && err.status === 404))
              throw err
          }
        },
        o.signal ? { signal: o.signal } : {},
      )
    },
    close: () => set.close(),
  }
}
