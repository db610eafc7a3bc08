import { createEndpointSet, type DnsResolver, dnsDiscovery } from '@steadfast/core'
import {
  createFailoverKubo,
  type FailoverKubo,
  kuboProbe,
  kuboShouldFailover,
} from '@steadfast/kubo'

export interface ClusterIpfsOptions {
  /** The headless Service's DNS name, e.g. `ipfs.steadfast.svc.cluster.local` (one A record per ready pod). */
  service: string
  /** The Kubo RPC port of every pod. @default 5001 */
  port?: number
  /** How often the Service is resolved again, ms. @default 5000 */
  refreshMs?: number
  /** Resolver to use. @default node:dns (the cluster's DNS inside a pod) */
  resolver?: DnsResolver
  /** Gives up waiting for the first answer after this long, ms. @default 30000 */
  firstAnswerTimeoutMs?: number
}

/**
 * The app's side of the Kubernetes example: a failover Kubo client whose nodes are the ready pods
 * behind a headless Service. Kubernetes adds a pod's A record once its readiness probe passes and
 * removes it when the pod stops being ready; the set follows on each refresh, keeping the health
 * history of the pods that stay (ids are `ip:port`).
 */
export async function connectClusterIpfs(o: ClusterIpfsOptions): Promise<FailoverKubo> {
  const set = createEndpointSet({
    name: 'ipfs',
    endpoints: [],
    discovery: dnsDiscovery({
      hostname: o.service,
      port: o.port ?? 5001,
      intervalMs: o.refreshMs ?? 5000,
      ...(o.resolver ? { resolver: o.resolver } : {}),
    }),
    probe: kuboProbe(),
    shouldFailover: kuboShouldFailover,
  })
  // The client needs a first member: wait for the first DNS answer.
  const first = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`no pod behind ${o.service} after ${o.firstAnswerTimeoutMs ?? 30_000} ms`),
        ),
      o.firstAnswerTimeoutMs ?? 30_000,
    )
    const off = set.on('membership', () => {
      clearTimeout(timer)
      off()
      resolve()
    })
  })
  set.start()
  try {
    await first
  } catch (e) {
    await set.close()
    throw e
  }
  return createFailoverKubo({ endpoints: [], set })
}
