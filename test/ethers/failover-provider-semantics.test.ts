import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  ChainMismatchError,
  EndpointsExhaustedError,
  FailoverProvider,
  type FailoverProviderOptions,
} from '@steadfast/ethers'
import { type FaultProxy, startFaultProxy } from '@steadfast/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { type Contract, ContractFactory, isError, Wallet } from './support/ethers.js'
import { external } from './support/evm-target.js'
import { type Ganache, MNEMONIC, startGanache } from './support/ganache.js'
import { compileToken } from './support/token.js'

// Three "replicas" that are one ganache behind three fault proxies: always the same chain, so
// each test isolates one rule of the provider.
let node: Ganache
let wrongChain: Ganache
let behind: Ganache
let proxies: FaultProxy[]
let urls: string[]
const open: FailoverProvider[] = []
const options: FailoverProviderOptions = {
  cacheTimeout: -1,
  pollingInterval: 100,
  attemptTimeoutMs: 1000,
  // Probes slow enough that a loaded machine does not fail them by accident.
  probeIntervalMs: 500,
  probeTimeoutMs: 2000,
}

function provider(
  list: readonly string[] = urls,
  extra: FailoverProviderOptions = {},
  network: number | undefined = 1337,
) {
  const p = new FailoverProvider([...list], network, { ...options, ...extra })
  open.push(p)
  return p
}

/** Successful and failed attempts per endpoint url. */
function countAttempts(p: FailoverProvider) {
  const counts = new Map<string, { ok: number; failed: number }>()
  p.endpointSet.on('attempt', (e) => {
    const row = counts.get(e.url) ?? { ok: 0, failed: 0 }
    if (e.outcome === 'failure') row.failed++
    else row.ok++
    counts.set(e.url, row)
  })
  return (url: string) => counts.get(url) ?? { ok: 0, failed: 0 }
}

const deployer = () => Wallet.fromPhrase(MNEMONIC)

beforeAll(async () => {
  if (external) return
  ;[node, wrongChain, behind] = await Promise.all([
    startGanache(1337),
    startGanache(1338),
    startGanache(1337),
  ])
  proxies = await Promise.all([0, 1, 2].map(() => startFaultProxy({ target: { port: node.port } })))
  urls = proxies.map((p) => p.url())
})
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()))
  await Promise.all((proxies ?? []).map((p) => p.close()))
  await Promise.all([node?.close(), wrongChain?.close(), behind?.close()])
})
beforeEach(async () => {
  await Promise.all(proxies.map((p) => p.setMode({ kind: 'pass' })))
})

// Ganache-only (node-signed calls from unlocked accounts, a wrong-chain and a behind node, one
// chain behind three proxies): skipped against real nodes.
const ganacheOnly = describe.skipIf(external)
ganacheOnly('FailoverProvider semantics (one ganache behind three fault proxies)', () => {
  it('behavior: a revert passes through as ethers CALL_EXCEPTION without failing over', async () => {
    const p = provider()
    const attempts = countAttempts(p)
    const { abi, bytecode } = compileToken()
    const token = (await (
      await new ContractFactory(abi as never, bytecode, deployer().connect(p)).deploy(10n)
    ).waitForDeployment()) as unknown as Contract
    const stranger = Wallet.createRandom().connect(p)
    const error = await (token.connect(stranger) as Contract)
      .getFunction('transfer')
      .staticCall(stranger.address, 5n)
      .catch((e: unknown) => e)
    expect(isError(error, 'CALL_EXCEPTION')).toBe(true)
    expect(attempts(urls[1]!).ok + attempts(urls[1]!).failed).toBe(0)
  })

  it('behavior: insufficient funds passes through as ethers INSUFFICIENT_FUNDS', async () => {
    const p = provider()
    const poor = Wallet.createRandom().connect(p)
    const error = await poor
      .sendTransaction({ to: poor.address, value: 10n ** 18n })
      .catch((e: unknown) => e)
    expect(isError(error, 'INSUFFICIENT_FUNDS')).toBe(true)
  })

  it('error: when every replica fails, one EndpointsExhaustedError lists each redacted url', async () => {
    await Promise.all(proxies.map((p) => p.setMode({ kind: 'http', status: 503, body: 'down' })))
    const secretUrls = proxies.map((p) => `http://user:s3cret@127.0.0.1:${p.port}/`)
    const p = provider(secretUrls, { maxAttempts: 3, deadlineMs: 5000 })
    const error = await p.getBalance(deployer().address).catch((e: unknown) => e)
    const exhausted =
      (error as Error) instanceof EndpointsExhaustedError
        ? error
        : (error as { error?: unknown }).error
    expect(exhausted).toBeInstanceOf(EndpointsExhaustedError)
    const attempts = (exhausted as EndpointsExhaustedError).attempts
    expect(new Set(attempts.map((a) => a.endpoint)).size).toBe(3)
    expect(
      JSON.stringify(attempts.map((a) => a.endpoint)) + String((exhausted as Error).message),
    ).not.toContain('s3cret')
  })

  it('behavior: re-sending a raw transaction already on chain is success, not NONCE_EXPIRED', async () => {
    const p = provider()
    const wallet = deployer().connect(p)
    const signed = await wallet.signTransaction(
      await wallet.populateTransaction({ to: wallet.address, value: 1n }),
    )
    const first = await p.broadcastTransaction(signed)
    await first.wait()
    const again = await p.broadcastTransaction(signed)
    expect(again.hash).toBe(first.hash)
  })

  it('behavior: a node-signed call moves on when the primary refuses connections (unsent)', async () => {
    const p = provider()
    const attempts = countAttempts(p)
    await p.getBlockNumber()
    await proxies[0]!.setMode({ kind: 'down' })
    const signer = await p.getSigner(0)
    const tx = await signer.sendTransaction({ to: signer.address, value: 1n })
    await tx.wait()
    expect(attempts(urls[1]!).ok).toBeGreaterThan(0)
  })

  it('behavior: a node-signed call is never repeated elsewhere after it may have arrived', async () => {
    // No probe between the fault and the call: the call itself meets the 502.
    const p = provider(urls, { probeIntervalMs: 60_000 })
    const attempts = countAttempts(p)
    const signer = await p.getSigner(0)
    const before = await p.getTransactionCount(signer.address)
    await proxies[0]!.setMode({ kind: 'http', status: 502, body: 'bad gateway' })
    await expect(signer.sendTransaction({ to: signer.address, value: 1n })).rejects.toThrow()
    await proxies[0]!.setMode({ kind: 'pass' })
    expect(attempts(urls[0]!).failed).toBeGreaterThan(0)
    // Had it been re-sent to another replica, the node would have executed it there.
    expect(await p.getTransactionCount(signer.address)).toBe(before)
  })

  it('behavior: a wrong-chain replica alone serves nothing; the call fails with a typed error', async () => {
    const p = provider([wrongChain.url])
    const attempts = countAttempts(p)
    await expect(p.getBlockNumber()).rejects.toThrow()
    expect(attempts(wrongChain.url).ok).toBe(0)
  })

  it('behavior: without a network the chain is the majority answer, and the odd replica is quarantined', async () => {
    const p = provider([wrongChain.url, urls[0]!, urls[1]!], {}, undefined)
    const errors: unknown[] = []
    void p.on('error', (e) => errors.push(e))
    const attempts = countAttempts(p)
    expect((await p.getNetwork()).chainId).toBe(1337n)
    expect(await p.getBlockNumber()).toBeGreaterThanOrEqual(0)
    expect(attempts(wrongChain.url).ok).toBe(0)
    const state = () => p.status().find((s) => s.url === wrongChain.url)?.state
    await vi.waitFor(() => expect(state()).toBe('quarantined'), { timeout: 10_000 })
    await vi.waitFor(() => expect(errors.some((e) => e instanceof ChainMismatchError)).toBe(true))
  })

  it('error: a response over maxResponseBytes fails over like a transport failure', async () => {
    const p = provider(urls, { maxResponseBytes: 300, maxAttempts: 3 })
    const error = await p.send('eth_getBlockByNumber', ['0x0', true]).catch((e: unknown) => e)
    expect(String((error as Error).message)).toMatch(/larger than 300 bytes/)
  })

  it('behavior: a pinned session stays on its replica and follows a failover', async () => {
    const p = provider()
    const attempts = countAttempts(p)
    const session = p.pin({ endpoint: p.endpointSet.endpoints[1]!.id })
    const wallet = deployer().connect(session)
    await (await wallet.sendTransaction({ to: wallet.address, value: 1n })).wait()
    expect(attempts(urls[0]!).ok).toBe(0)
    await proxies[1]!.setMode({ kind: 'down' })
    await (await wallet.sendTransaction({ to: wallet.address, value: 1n })).wait()
    expect(session.endpoint).not.toBe(p.endpointSet.endpoints[1]!.id)
    session.destroy()
  })

  it('behavior: a replica below minPeers or failing the raft check is degraded yet still answers', async () => {
    const p = provider([urls[0]!], { probe: { minPeers: 1, consensus: 'raft' } })
    expect(await p.getBlockNumber()).toBeGreaterThanOrEqual(0)
    await vi.waitFor(() => expect(p.status()[0]?.state).toBe('degraded'), { timeout: 10_000 })
    expect(p.status()[0]?.reason).toMatch(/peers 0 < 1/)
    expect(await p.getBlockNumber()).toBeGreaterThanOrEqual(0)
  })

  it('behavior: a replica whose Tessera upcheck fails is taken out of service', async () => {
    let body = "I'm up!"
    const tessera = http.createServer((_req, res) => res.end(body))
    await new Promise<void>((r) => tessera.listen(0, '127.0.0.1', r))
    const upcheck = `http://127.0.0.1:${(tessera.address() as AddressInfo).port}/upcheck`
    try {
      const p = new FailoverProvider([{ url: urls[0]!, tessera: upcheck }, urls[1]!], 1337, options)
      open.push(p)
      await p.getBlockNumber()
      expect(p.status()[0]?.state).toBe('healthy')
      body = 'Database unavailable'
      await vi.waitFor(() => expect(p.status()[0]?.state).toBe('unhealthy'), { timeout: 10_000 })
      expect(await p.getBlockNumber()).toBeGreaterThan(0)
    } finally {
      tessera.closeAllConnections()
      await new Promise((r) => tessera.close(r))
    }
  })

  it('behavior: constructing a provider makes no network call', async () => {
    const own = await startFaultProxy({ target: { port: node.port } })
    try {
      const p = provider([own.url()])
      await new Promise((r) => setTimeout(r, 300))
      expect(own.stats().connections).toBe(0)
      await p.getBlockNumber()
      expect(own.stats().connections).toBeGreaterThan(0)
    } finally {
      await own.close()
    }
  })

  it('behavior: a block number never goes below one already reported', async () => {
    const ahead = await startFaultProxy({ target: { port: node.port } })
    try {
      const p = provider([ahead.url(), behind.url], { maxLag: 1000 })
      const attempts = countAttempts(p)
      await p.send('evm_mine', [])
      const high = await p.getBlockNumber()
      expect(Number(await p.provider.send('eth_blockNumber', []))).toBe(high)
      await ahead.setMode({ kind: 'down' })
      const later = await p.getBlockNumber()
      expect(attempts(behind.url).ok).toBeGreaterThan(0)
      expect(later).toBeGreaterThanOrEqual(high)
    } finally {
      await ahead.close()
    }
  })

  it('behavior: a hedged read is answered by the second replica while the first is slow', async () => {
    await proxies[0]!.setMode({ kind: 'slow', delayMs: 800 })
    const p = provider(urls, {
      preset: 'balanced',
      policy: 'priority',
      hedge: { delayMs: 50 },
      probeTimeoutMs: 3000,
    })
    const hedged: string[] = []
    p.endpointSet.on('attempt', (e) => {
      if (e.hedged && e.outcome === 'success') hedged.push(e.url)
    })
    await p.getBalance(deployer().address)
    expect(hedged).toContain(urls[1])
  })

  it('behavior: close() leaves no socket or timer of the provider behind', async () => {
    await Promise.all(open.splice(0).map((p) => p.close()))
    await new Promise((r) => setTimeout(r, 200))
    const count = () => {
      const all = process.getActiveResourcesInfo()
      return {
        sockets: all.filter((r) => r === 'TCPSocketWrap').length,
        timers: all.filter((r) => r === 'Timeout').length,
      }
    }
    const before = count()
    const p = new FailoverProvider([...urls], 1337, options)
    await p.getBlockNumber()
    await p.close()
    await new Promise((r) => setTimeout(r, 200))
    const after = count()
    expect(after.sockets).toBeLessThanOrEqual(before.sockets)
    expect(after.timers).toBeLessThanOrEqual(before.timers)
  })
})
