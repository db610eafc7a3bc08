import { FailoverProvider } from '@steadfast/ethers'
import { startEvmReplicaSet } from '@steadfast/testkit'
import { TokenTransferApp } from '../evm/token-transfer-app.js'
import type { DemoBackend, FaultTarget } from './demo-backend.js'
import type { BackendFactory } from './load-backends.js'

/** Pause between a sender's transfers, ms: steady load without starving 2 shared cores. */
const transferEveryMs = 250

/**
 * EVM: 3 ganache replicas of one chain (or the user's `evm.endpoints`), one FailoverProvider over
 * them, and the token dApp. Chaos kills, hangs (SIGSTOP) and lags (held replication) replicas.
 */
export const startEvmBackend: BackendFactory = async (ctx) => {
  const user = ctx.config?.evm
  const kit = user ? undefined : await startEvmReplicaSet({ replicas: 3, signal: ctx.signal })
  try {
    const urls = user ? user.endpoints : kit!.urls
    const chainId = user ? user.chainId : kit!.chainId
    const provider = new FailoverProvider([...urls], chainId, {
      name: 'evm',
      // The listener polls its filter once a second: events show up promptly in the view.
      pollingInterval: 1000,
      // No 250 ms response cache: the app's read-your-writes check must see the replicas.
      cacheTimeout: -1,
      // Tighter than the defaults (10 s, 2 s) so a hung replica costs seconds, not tens of them.
      attemptTimeoutMs: 2500,
      probeIntervalMs: 1000,
      probeTimeoutMs: 1000,
    })
    const senderKeys = user ? [user.privateKey] : kit!.accounts.slice(0, 2).map((a) => a.privateKey)
    const app = await TokenTransferApp.deploy(
      { provider, senderKeys, everyMs: transferEveryMs },
      ctx.signal,
    )
    const faults: FaultTarget[] = (kit?.replicas ?? []).map((r, index) => ({
      index,
      kill: () => r.kill(),
      restart: () => r.restart(),
      pause: async () => r.pause(),
      resume: async () => r.resume(),
      lag: async () => r.holdReplication(),
      unlag: async () => r.catchUp(),
    }))
    const backend: DemoBackend = {
      name: 'evm',
      title: `EVM · ${urls.length} ${kit ? 'ganache replicas' : 'endpoints'} · @steadfast/ethers FailoverProvider`,
      sets: [provider.endpointSet],
      faults,
      documentLedger: app.documentLedger,
      run: (signal) => app.run(signal),
      finish: (signal) => app.finish(signal),
      progress: () => ({ ok: app.tally.ok, failed: app.tally.failed, line: app.progressLine() }),
      async close() {
        provider.destroy()
        await kit?.close()
      },
    }
    return backend
  } catch (e) {
    await kit?.close()
    throw e
  }
}
