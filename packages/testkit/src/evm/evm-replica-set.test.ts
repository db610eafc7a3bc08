import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isListening } from '../process/free-port.js'
import { createJsonRpcClient } from './json-rpc-client.js'
import { sendTransfer } from './send-transfer.js'
import { type EvmReplicaSet, startEvmReplicaSet } from './start-evm-replica-set.js'

const rpc = createJsonRpcClient()
let set: EvmReplicaSet

const call = <T>(url: string, method: string, params: unknown[] = []) =>
  rpc.call<T>(url, method, params, { timeoutMs: 10_000 })

/** Signs a 1 wei transfer from account `from` and sends it through `url`; returns the tx hash. */
const transfer = (url: string, from: number) =>
  sendTransfer(url, set.accounts[from]!.privateKey, {
    chainId: set.chainId,
    to: set.accounts[9]!.address,
  })

async function hashesAt(height: number) {
  return Promise.all(
    set.replicas.map((r) =>
      call<{ hash: string } | null>(r.directUrl, 'eth_getBlockByNumber', [
        `0x${height.toString(16)}`,
        false,
      ]).then((b) => b?.hash),
    ),
  )
}

async function allHashes(height: number) {
  const rows: (string | undefined)[][] = []
  for (let h = 0; h <= height; h++) rows.push(await hashesAt(h))
  return rows
}

/** Resolves with the error code a connect to `url` fails with, or 'OK'. */
const outcome = (url: string) =>
  call(url, 'eth_blockNumber').then(
    () => 'OK',
    (e: NodeJS.ErrnoException) => e.code ?? e.message,
  )

beforeAll(async () => {
  set = await startEvmReplicaSet({ replicas: 3 })
})

afterAll(async () => {
  await set?.close()
  rpc.close()
})

describe('startEvmReplicaSet', () => {
  it('behavior: replicas share genesis and block hashes after transactions', async () => {
    expect(set.urls).toHaveLength(3)
    const genesis = await hashesAt(0)
    expect(new Set(genesis).size).toBe(1)
    await transfer(set.urls[0]!, 0)
    await transfer(set.urls[0]!, 1)
    await set.sync()
    const head = await set.replicas[0]!.blockNumber()
    expect(head).toBeGreaterThanOrEqual(2)
    for (const row of await allHashes(head)) {
      expect(row[0]).toMatch(/^0x[0-9a-f]{64}$/)
      expect(new Set(row).size).toBe(1)
    }
  })

  it('behavior: a transaction sent to replica 1 becomes readable on replica 2', async () => {
    const hash = await transfer(set.urls[1]!, 2)
    let receipt: unknown = null
    // No explicit sync: the background relay propagates it.
    const deadline = Date.now() + 30_000 // generous: a loaded CI machine slows the relay down
    while (receipt === null && Date.now() < deadline) {
      receipt = await call(set.replicas[2]!.directUrl, 'eth_getTransactionReceipt', [hash])
      if (receipt === null) await sleep(25)
    }
    expect(receipt).toMatchObject({ transactionHash: hash, status: '0x1' })
  })

  it('behavior: ganache-signed transfers and contract creations propagate too', async () => {
    await set.sync() // one writer at a time: replica 0 must hold replica 1's last block first
    const from = set.accounts[6]!.address
    const url = set.urls[0]!
    const transferHash = await call<string>(url, 'eth_sendTransaction', [
      { from, to: set.accounts[9]!.address, value: '0x10' },
    ])
    const deployHash = await call<string>(url, 'eth_sendTransaction', [
      { from, data: '0x600a600c600039600a6000f3602a60005260206000f3', gas: '0x30d40' },
    ])
    await set.sync()
    const receipt = await call<{ contractAddress: string }>(
      set.replicas[2]!.directUrl,
      'eth_getTransactionReceipt',
      [deployHash],
    )
    expect(receipt.contractAddress).toMatch(/^0x[0-9a-f]{40}$/)
    expect(
      await call(set.replicas[1]!.directUrl, 'eth_getTransactionReceipt', [transferHash]),
    ).not.toBeNull()
    const head = await set.replicas[0]!.blockNumber()
    expect(new Set(await hashesAt(head)).size).toBe(1)
  })

  it('behavior: mineBlocks advances every replica identically', async () => {
    await set.sync()
    const before = await set.replicas[0]!.blockNumber()
    await set.mineBlocks(3)
    for (const r of set.replicas) expect(await r.blockNumber()).toBe(before + 3)
    const row = await hashesAt(before + 3)
    expect(new Set(row).size).toBe(1)
  })

  it('behavior: a killed replica refuses, and restarts with its data then catches up', async () => {
    const victim = set.replicas[2]!
    const heightBefore = await victim.blockNumber()
    const oldPid = victim.pid!
    await victim.kill()
    expect(victim.pid).toBeUndefined()
    expect(await outcome(victim.url)).toBe('ECONNREFUSED')
    expect(await outcome(victim.directUrl)).toBe('ECONNREFUSED')
    await transfer(set.urls[0]!, 3) // the others move on meanwhile
    await victim.restart()
    expect(victim.pid).not.toBe(oldPid)
    const head = await set.replicas[0]!.blockNumber()
    expect(head).toBe(heightBefore + 1)
    expect(await victim.blockNumber()).toBe(head)
    expect(await outcome(victim.url)).toBe('OK')
    const rows = await allHashes(head)
    for (const row of rows) expect(new Set(row).size).toBe(1)
  })

  it('behavior: a write just before a proxy fault has reached the others when the fault applies', async () => {
    const primary = set.replicas[0]!
    await set.sync()
    const hash = await transfer(primary.url, 7)
    await primary.proxy.setMode({ kind: 'http', status: 500 })
    try {
      // No waiting: the mode change itself propagated the block first.
      const receipt = await call(set.replicas[1]!.directUrl, 'eth_getTransactionReceipt', [hash])
      expect(receipt).toMatchObject({ transactionHash: hash })
    } finally {
      await primary.proxy.setMode({ kind: 'pass' })
    }
  })

  it('behavior: a write just before kill has reached the others when kill resolves', async () => {
    const primary = set.replicas[0]!
    await set.sync()
    const hash = await transfer(primary.url, 8)
    await primary.kill()
    try {
      const receipt = await call(set.replicas[2]!.directUrl, 'eth_getTransactionReceipt', [hash])
      expect(receipt).toMatchObject({ transactionHash: hash })
    } finally {
      await primary.restart()
    }
    expect(await primary.blockNumber()).toBe(await set.replicas[2]!.blockNumber())
  })

  it('behavior: a paused replica answers nothing until resumed', async () => {
    const r = set.replicas[1]!
    r.pause()
    try {
      const pending = call<string>(r.url, 'eth_blockNumber')
      const first = await Promise.race([pending, sleep(500).then(() => 'no answer')])
      expect(first).toBe('no answer')
      r.resume()
      expect(Number(await pending)).toBeGreaterThan(0)
    } finally {
      r.resume()
    }
  })

  it('behavior: a held replica reports an older head, then catches up to identical hashes', async () => {
    const lagging = set.replicas[1]!
    await set.sync()
    const start = await lagging.blockNumber()
    lagging.holdReplication()
    await transfer(set.urls[0]!, 4)
    await transfer(set.urls[0]!, 4)
    await set.sync()
    expect(await set.replicas[0]!.blockNumber()).toBe(start + 2)
    expect(await lagging.blockNumber()).toBe(start)
    await lagging.catchUp()
    expect(await lagging.blockNumber()).toBe(start + 2)
    for (const row of await allHashes(start + 2)) expect(new Set(row).size).toBe(1)
  })

  it('behavior: a misconfigured replica reports another chainId and stays off the shared list', async () => {
    const bad = await set.addMisconfiguredReplica()
    expect(Number(await call<string>(bad.url, 'eth_chainId'))).toBe(set.chainId + 1)
    expect(Number(await call<string>(set.urls[0]!, 'eth_chainId'))).toBe(set.chainId)
    expect(set.urls).not.toContain(bad.url)
    expect(set.accounts[0]!.address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
  })

  it('error: writes to two replicas at the same height are reported as a fork', async () => {
    const a = set.replicas[0]!
    const b = set.replicas[1]!
    await set.sync()
    b.holdReplication()
    await transfer(a.directUrl, 5)
    await transfer(b.directUrl, 6) // same height, other transaction: b forks
    await expect(b.catchUp()).rejects.toMatchObject({ code: 'EVM_FORK' })
    expect(set.relayError?.message).toMatch(/replica \d forked at block/)
  })

  it('behavior: close kills every ganache process and frees every port', async () => {
    const bad = await set.addMisconfiguredReplica({ chainId: 99 })
    const replicas = [...set.replicas, bad]
    const pids = replicas.map((r) => r.pid!)
    const ports = replicas.flatMap((r) => [r.proxy.port, Number(new URL(r.directUrl).port)])
    await set.close()
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow()
    for (const port of ports) expect(await isListening(port)).toBe(false)
  })
})
