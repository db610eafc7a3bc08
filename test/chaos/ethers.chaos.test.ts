/**
 * Chaos matrix, ethers adapter: every fault the testkit makes on the primary replica × policy,
 * each under steady load (test/ethers' dApp flow: two concurrent senders of ERC-20 transfers,
 * a Transfer listener, block-number and balance reads every 50 ms). Invariants per cell: no lost
 * or duplicated write (nonces consecutive, balances exact), no lost or duplicated event, the
 * block number never goes back, and a wrong-chain replica in the list serves nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { FailoverProvider, type FailoverProviderOptions } from '@steadfast/ethers'
import { type EvmReplica, type EvmReplicaSet, startEvmReplicaSet } from '@steadfast/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runDappFlow } from '../ethers/support/dapp-flow.js'
import { type ChaosPolicy, flap, LONG, POLICIES, retries, windowMs } from './support/chaos-mode.js'
import { flush, tally } from './support/figures.js'

const TRANSFERS = LONG ? 40 : 8

let set: EvmReplicaSet
let wrong: EvmReplica | undefined

beforeAll(async () => {
  // Writes may reach a paused or lagging replica: resequence instead of failing on a fork.
  set = await startEvmReplicaSet({ replicas: 3, onFork: 'resequence' })
  wrong = await set.addMisconfiguredReplica({ chainId: set.chainId + 1 })
})
afterAll(async () => {
  await set?.close()
  flush()
})
beforeEach(async () => {
  await set.sync()
})

const options = (policy: ChaosPolicy): FailoverProviderOptions => ({
  policy,
  cacheTimeout: -1,
  pollingInterval: 100,
  attemptTimeoutMs: 1000,
  probeIntervalMs: 250,
  probeTimeoutMs: 500,
  failbackAfterMs: 1000,
})

/**
 * One fault on replica 0, injected then healed; `hits` says the set must notice it. `ci` lists
 * the policies whose cell runs in CI (every cell, both policies, since the stale-nonce and
 * lag fixes); long mode runs every cell under all five. A cell that fails on a known bug is
 * taken out of a `ci` list with a pointer to docs/reliability.md.
 */
interface Fault {
  name: string
  hits: boolean
  /**
   * The fault can fork the testkit's chain: ganache replicas mine a write at once, so a write
   * reaching a held replica before the probes show its lag, or a paused one that mines it on
   * SIGCONT after the provider re-sent it elsewhere, is mined on a private fork that the relay
   * later replaces (a reorg; bug 13 in docs/reliability.md). An event of that write is
   * then delivered from the orphaned block and again from the canonical one, which is ethers'
   * reorg semantics (logs are identified by block hash and index), not a duplicate. A GoQuorum
   * network (IBFT/QBFT/Raft: immediate finality) does not fork; a lagging node only forwards.
   */
  forks?: true
  ci: readonly ChaosPolicy[]
  run(r: EvmReplica): Promise<void>
}
const BOTH = ['priority', 'roundRobin'] as const
const hold = (ms: number) => sleep(windowMs(ms))
const FAULTS: Fault[] = [
  {
    name: 'killed',
    hits: true,
    ci: BOTH,
    run: async (r) => {
      await r.kill()
      await hold(1500)
      await r.restart()
    },
  },
  {
    name: 'paused (SIGSTOP)',
    hits: true,
    // A write the paused replica took is mined there on SIGCONT, on a fork: seen in 3 of about
    // 70 runs of this cell under CPU contention, since filters are also polled on a timer (which
    // sees orphan blocks).
    forks: true,
    ci: BOTH,
    run: async (r) => {
      r.pause()
      await hold(2000)
      r.resume()
    },
  },
  ...(
    [
      ['hung (blackhole)', { kind: 'hang' }, true, BOTH],
      ['reset', { kind: 'reset' }, true, BOTH],
      ['slow 600 ms', { kind: 'slow', delayMs: 600 }, false, BOTH],
      ['cut mid-response', { kind: 'cut', afterBytes: 60 }, true, BOTH],
      ['HTTP 500', { kind: 'http', status: 500, body: 'error' }, true, BOTH],
      ['HTTP 429', { kind: 'http', status: 429, headers: { 'Retry-After': '1' } }, true, BOTH],
      ['HTTP 404', { kind: 'http', status: 404, body: '<html>not found</html>' }, true, BOTH],
    ] as const
  ).map(
    ([name, mode, hits, ci]): Fault => ({
      name,
      hits,
      ci,
      run: async (r) => {
        await r.proxy.setMode(mode as never)
        await hold(1500)
        await r.proxy.setMode({ kind: 'pass' })
      },
    }),
  ),
  {
    name: 'lagging 6 blocks',
    hits: false,
    forks: true,
    // A write may reach the held replica first and be mined on its fork: the relay's reorg then
    // re-delivers its event from the canonical block (bug 13, fixed).
    ci: BOTH,
    run: async (r) => {
      r.holdReplication()
      await set.mineBlocks(6)
      await hold(1500)
      await r.catchUp()
    },
  },
  {
    name: 'flapping down/up every 1 s',
    hits: true,
    ci: BOTH,
    run: (r) =>
      flap(
        () => r.proxy.setMode({ kind: 'down' }),
        () => r.proxy.setMode({ kind: 'pass' }),
        1000,
        windowMs(4000),
      ),
  },
]

interface Seen {
  success: Map<string, number>
  failure: Map<string, number>
  leftHealthy: Set<string>
  /** Urls whose health probe failed at least once. */
  probeFailed: Set<string>
}
function observe(provider: FailoverProvider): Seen {
  const seen: Seen = {
    success: new Map(),
    failure: new Map(),
    leftHealthy: new Set(),
    probeFailed: new Set(),
  }
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
  provider.endpointSet.on('attempt', (e) => {
    if (e.outcome === 'success' || e.outcome === 'fatal') bump(seen.success, e.url)
    else bump(seen.failure, e.url)
  })
  provider.endpointSet.on('stateChange', (e) => {
    if (e.from === 'healthy') seen.leftHealthy.add(e.url)
  })
  // Under roundRobin a short fault may meet no call of the flow; the probes see it then.
  provider.endpointSet.on('probe', (e) => {
    const url = provider.status().find((s) => s.id === e.endpoint)?.url
    if (!e.ok && url !== undefined) seen.probeFailed.add(url)
  })
  return seen
}

const keys = () => set.accounts.slice(0, 3).map((a) => a.privateKey) as [string, string, string]

describe.each(POLICIES)('chaos ethers × %s', (policy) => {
  const cells = FAULTS.filter((f) => LONG || f.ci.includes(policy))
  it.each(cells.map((f) => [f.name, f] as const))(
    'behavior: under load, primary %s: nothing lost, duplicated, stale or served by the wrong chain',
    // No retry: the stalled flows (bug 1, an event or receipt never polled again) are fixed.
    // STEADFAST_CHAOS_RETRIES=n still retries, for a local investigation.
    { timeout: 180_000, retry: retries(0) },
    async (_name, fault) => {
      const provider = new FailoverProvider([...set.urls, wrong!.url], set.chainId, options(policy))
      const seen = observe(provider)
      try {
        const r = await runDappFlow({
          provider,
          keys: keys(),
          transfers: TRANSFERS,
          faultAfter: 2,
          fault: () => fault.run(set.replicas[0]!),
          deadlineMs: 60_000,
          trace: {
            label: `${policy} ${fault.name}`,
            directUrls: set.replicas.map((r) => r.directUrl),
          },
        })
        tally('ethersTransfers', r.transfers)
        tally('faultsSurvived')
        expect(r.failures).toEqual([])
        expect(r.timedOut).toBe(false)
        expect(r.transfers).toBe(TRANSFERS)
        expect(r.missingEvents, 'missing events').toBe(0)
        expect(r.duplicateEvents, 'duplicated events').toBe(0)
        tally('ethersReorgedEvents', r.reorgedEvents)
        if (fault.forks !== true)
          expect(r.reorgedEvents, 'events re-delivered after a reorg').toBe(0)
        expect(r.consecutiveNonces, 'consecutive nonces').toBe(true)
        expect(r.exactBalances, 'exact balances').toBe(true)
        expect(r.blockNumberWentBack, 'block number went back').toBe(false)
        // The quarantined wrong-chain replica answered nothing.
        expect(seen.success.get(wrong!.url) ?? 0, 'served by the wrong chain').toBe(0)
        const primary = set.urls[0]!
        if (fault.hits)
          expect(
            (seen.failure.get(primary) ?? 0) > 0 ||
              seen.leftHealthy.has(primary) ||
              seen.probeFailed.has(primary),
            'the fault reached the set',
          ).toBe(true)
        // Served throughout: some replica answered.
        expect([...seen.success.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
      } finally {
        await provider.close()
      }
    },
  )

  it('error: all replicas down gives ENDPOINTS_EXHAUSTED at once; one back and calls and writes recover', {
    timeout: 120_000,
  }, async () => {
    const provider = new FailoverProvider([...set.urls, wrong!.url], set.chainId, {
      ...options(policy),
      deadlineMs: 5000,
    })
    const seen = observe(provider)
    try {
      await provider.getBlockNumber()
      await Promise.all(set.replicas.map((r) => r.proxy.setMode({ kind: 'down' })))
      const error = await provider.getBlockNumber().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((error as { code?: string })?.code).toBe('ENDPOINTS_EXHAUSTED')
      // The wrong chain is not a fallback, even when nothing else answers.
      expect(seen.success.get(wrong!.url) ?? 0).toBe(0)
      await set.replicas[2]!.proxy.setMode({ kind: 'pass' })
      let head = -1
      const deadline = Date.now() + 30_000
      while (head < 0 && Date.now() < deadline) {
        head = await provider.getBlockNumber().catch(() => -1)
        if (head < 0) await sleep(200)
      }
      expect(head).toBeGreaterThan(0)
      const [from] = set.accounts
      const { ethers } = await import('./support/libs.js')
      const wallet = new ethers.Wallet(from!.privateKey, provider)
      const tx = await wallet.sendTransaction({ to: set.accounts[5]!.address, value: 1n })
      expect((await tx.wait())?.status).toBe(1)
      tally('faultsSurvived')
    } finally {
      await Promise.all(set.replicas.map((r) => r.proxy.setMode({ kind: 'pass' })))
      await provider.close()
    }
  })
})
