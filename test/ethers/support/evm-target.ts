/**
 * Where the replica-set ethers integration tests run. By default: testkit's ganache replica set
 * (`startEvmReplicaSet`). With STEADFAST_EVM_URLS set: real EVM nodes (GoQuorum, …), each reached
 * through a local testkit fault proxy so the tests can still kill (proxy down), hang, slow and
 * forge HTTP answers; what cannot be forced on a real node from outside (a replica lagging
 * behind, a wrong-chain replica) is skipped with `it.skipIf(external)`.
 *
 *   STEADFAST_EVM_URLS          http://q1:8545,http://q2:8545,… (JSON-RPC URLs, at least 3; plain
 *                               http, since the fault proxy relays TCP)
 *   STEADFAST_EVM_PRIVATE_KEYS  0x…,0x…,0x… funded accounts (at least 3: deployer, two senders)
 *   STEADFAST_EVM_CHAIN_ID      the chain id (default: eth_chainId of the first node)
 */
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type EvmReplicaSet,
  type FaultProxy,
  startEvmReplicaSet,
  startFaultProxy,
} from '@steadfast/testkit'

/** True when the tests run against real nodes (STEADFAST_EVM_URLS set). */
export const external = Boolean(process.env.STEADFAST_EVM_URLS)

/** One replica and the faults a test can inject into it. */
export interface EvmTargetReplica {
  /** JSON-RPC URL through the replica's fault proxy. */
  readonly url: string
  /** JSON-RPC URL of the node itself (no proxy): untouched by faults. */
  readonly directUrl: string
  readonly proxy: FaultProxy
  /** Gone: SIGKILL (testkit) or proxy `down` (real node). */
  kill(): Promise<void>
  /** Back after `kill`: same data (testkit) or proxy `pass` (real node). */
  restart(): Promise<void>
  /** `eth_blockNumber` straight from the node. */
  blockNumber(): Promise<number>
}

export interface EvmTarget {
  readonly external: boolean
  readonly replicas: readonly EvmTargetReplica[]
  /** `replicas[i].url`. */
  readonly urls: readonly string[]
  readonly chainId: number
  /** Funded accounts' private keys. */
  readonly keys: readonly string[]
  /** The testkit set (undefined against real nodes): lag, mining, misconfigured replicas. */
  readonly set: EvmReplicaSet | undefined
  /** Waits until every replica holds the same head (real nodes: best effort, 30 s). */
  sync(): Promise<void>
  close(): Promise<void>
}

/** Starts (or connects to) `count` EVM replicas of one chain. */
export async function startEvmTarget(opts: { replicas?: number } = {}): Promise<EvmTarget> {
  const count = opts.replicas ?? 3
  const env = process.env.STEADFAST_EVM_URLS
  return env ? externalTarget(env, count) : testkitTarget(count)
}

async function testkitTarget(count: number): Promise<EvmTarget> {
  const set = await startEvmReplicaSet({ replicas: count, chainId: 1337 })
  return {
    external: false,
    replicas: set.replicas.map((r) => ({
      get url() {
        return r.url
      },
      get directUrl() {
        return r.directUrl
      },
      proxy: r.proxy,
      kill: () => r.kill(),
      restart: () => r.restart(),
      blockNumber: () => r.blockNumber(),
    })),
    get urls() {
      return set.urls
    },
    chainId: set.chainId,
    keys: set.accounts.map((a) => a.privateKey),
    set,
    sync: () => set.sync(),
    close: () => set.close(),
  }
}

/** One JSON-RPC call straight to a node (not through a provider); an error answer throws. */
export async function directRpc(
  url: string,
  method: string,
  params: unknown[] = [],
): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(5000),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

async function externalTarget(urlList: string, count: number): Promise<EvmTarget> {
  const targets = list(urlList).map((s) => new URL(s))
  if (targets.length < count)
    throw new Error(`STEADFAST_EVM_URLS lists ${targets.length} node(s), the tests need ${count}`)
  const keys = list(process.env.STEADFAST_EVM_PRIVATE_KEYS)
  if (keys.length < 3)
    throw new Error(
      `STEADFAST_EVM_PRIVATE_KEYS lists ${keys.length} key(s), the tests need 3 funded accounts`,
    )
  const proxies: FaultProxy[] = []
  const replicas: EvmTargetReplica[] = []
  try {
    for (const target of targets.slice(0, count)) {
      if (target.protocol !== 'http:')
        throw new Error(`STEADFAST_EVM_URLS: ${target.protocol} is not supported (plain http only)`)
      const proxy = await startFaultProxy({
        target: { host: target.hostname, port: Number(target.port || 80) },
      })
      proxies.push(proxy)
      const path = target.pathname === '/' ? '' : target.pathname
      const directUrl = target.href.replace(/\/$/, '')
      replicas.push({
        url: proxy.url('http', path),
        directUrl,
        proxy,
        kill: () => proxy.setMode({ kind: 'down' }),
        restart: () => proxy.setMode({ kind: 'pass' }),
        blockNumber: async () => Number(await directRpc(directUrl, 'eth_blockNumber')),
      })
    }
    const envChainId = process.env.STEADFAST_EVM_CHAIN_ID
    const chainId = envChainId
      ? Number(envChainId)
      : Number(await directRpc(replicas[0]!.directUrl, 'eth_chainId'))
    return {
      external: true,
      replicas,
      urls: replicas.map((r) => r.url),
      chainId,
      keys,
      set: undefined,
      sync: async () => {
        const until = Date.now() + 30_000
        while (Date.now() < until) {
          const heads = await Promise.all(replicas.map((r) => r.blockNumber().catch(() => -1)))
          if (heads.every((h) => h >= 0 && h === heads[0])) return
          await sleep(200)
        }
      },
      close: async () => {
        await Promise.allSettled(proxies.map((p) => p.close()))
      },
    }
  } catch (err) {
    await Promise.allSettled(proxies.map((p) => p.close()))
    throw err
  }
}

/**
 * The first node of STEADFAST_EVM_URLS, for tests that put one node behind several proxies:
 * where to point the proxies, the path to keep, the chain id and the first key.
 */
export async function externalNode(): Promise<{
  target: { host: string; port: number }
  path: string
  chainId: number
  key: string
}> {
  const first = list(process.env.STEADFAST_EVM_URLS)[0]
  const key = list(process.env.STEADFAST_EVM_PRIVATE_KEYS)[0]
  if (first === undefined || key === undefined)
    throw new Error('STEADFAST_EVM_URLS and STEADFAST_EVM_PRIVATE_KEYS must both be set')
  const url = new URL(first)
  if (url.protocol !== 'http:')
    throw new Error(`STEADFAST_EVM_URLS: ${url.protocol} is not supported (plain http only)`)
  const envChainId = process.env.STEADFAST_EVM_CHAIN_ID
  return {
    target: { host: url.hostname, port: Number(url.port || 80) },
    path: url.pathname === '/' ? '' : url.pathname,
    chainId: envChainId ? Number(envChainId) : Number(await directRpc(url.href, 'eth_chainId')),
    key,
  }
}
