import { createFailoverKubo } from '@steadfast/kubo'
import { type IpfsNodeSet, startIpfsNodeSet } from '@steadfast/testkit'
import { DocumentStoreApp } from '../ipfs/document-store-app.js'
import type { DemoBackend, FaultTarget } from './demo-backend.js'
import type { BackendFactory } from './load-backends.js'

/**
 * IPFS: 3 js-ipfs nodes serving the Kubo RPC API (or the user's `ipfs.endpoints`), one failover
 * KuboRPCClient over them, and the document archive. Chaos kills and hangs nodes.
 */
export const startIpfsBackend: BackendFactory = async (ctx) => {
  const user = ctx.config?.ipfs
  const kit = user ? undefined : await startIpfsNodeSet({ nodes: 3, signal: ctx.signal })
  try {
    const endpoints = user ? user.endpoints : [...kit!.urls]
    const kubo = createFailoverKubo({
      endpoints,
      name: 'ipfs',
      // A hung node costs seconds, not the 15 s default, before a stream resumes elsewhere.
      streamIdleTimeoutMs: 3000,
      attemptTimeoutMs: 3000,
      health: { intervalMs: 1000, timeoutMs: 1000 },
    })
    const placement = kit ? new ClusterPlacement(kit) : undefined
    const app = new DocumentStoreApp({
      kubo,
      documents: ctx.documents,
      replicate: placement ? (bytes, signal) => placement.place(bytes, signal) : undefined,
    })
    const backend: DemoBackend = {
      name: 'ipfs',
      title: `IPFS · ${endpoints.length} ${kit ? 'js-ipfs nodes (Kubo RPC)' : 'endpoints'} · @steadfast/kubo`,
      sets: [kubo.failover.set],
      faults: placement?.faults() ?? [],
      run: (signal) => app.run(signal),
      finish: (signal) => app.finish(signal),
      progress: () => ({ ok: app.tally.ok, failed: app.tally.failed, line: app.progressLine() }),
      async close() {
        await kubo.failover.close()
        await kit?.close()
      },
    }
    return backend
  } catch (e) {
    await kit?.close()
    throw e
  }
}

/**
 * What IPFS Cluster does in production: places every document on all nodes. While a node is
 * down or hung, documents go to the others and are copied to it once it is back, as a cluster's
 * recovery would.
 */
class ClusterPlacement {
  private readonly faulty = new Set<number>()
  private readonly missing = new Map<number, Uint8Array[]>()

  constructor(private readonly kit: IpfsNodeSet) {}

  async place(bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    const n = this.kit.nodes.length
    const live = this.kit.nodes.map((node) => node.index).filter((i) => !this.faulty.has(i))
    // addReplicated copies to the nodes right after the source (wrapping): pick a source whose
    // followers are all live.
    const source = live.find((s) => live.every((_, k) => !this.faulty.has((s + k) % n)))
    if (source === undefined) throw new Error('no run of live IPFS nodes to place the document on')
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(15_000)])
    await this.kit.addReplicated(bytes, { source, replicationFactor: live.length, signal: timeout })
    for (const i of this.faulty) this.missing.get(i)?.push(bytes)
  }

  faults(): FaultTarget[] {
    return this.kit.nodes.map((node) => {
      const down = async (inject: () => Promise<void> | void) => {
        this.faulty.add(node.index)
        this.missing.set(node.index, [])
        await inject()
      }
      const up = async (heal: () => Promise<void> | void) => {
        await heal()
        const backlog = this.missing.get(node.index) ?? []
        for (const bytes of backlog) {
          await this.kit.addReplicated(bytes, { source: node.index, replicationFactor: 1 })
        }
        this.missing.delete(node.index)
        this.faulty.delete(node.index)
      }
      return {
        index: node.index,
        kill: () => down(() => node.kill()),
        restart: () => up(() => node.restart()),
        pause: () => down(() => node.pause()),
        resume: () => up(() => node.resume()),
      }
    })
  }
}
