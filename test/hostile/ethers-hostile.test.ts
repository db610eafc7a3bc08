/**
 * Hostile JSON-RPC answers: a replica that passes the health probe, then answers the call with
 * garbage. Each must fail over to the next replica, or (alone) fail with a typed error; none may
 * crash the process or leave the call pending past its deadline.
 */
import type { ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { FailoverProvider } from '@steadfast/ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flush, tally } from '../chaos/support/figures.js'
import type { LocalServer } from '../secrets/support/hostile-servers.js'
import { type Hostile, startFakeJsonRpc } from './support/fake-json-rpc.js'

const ADDRESS = `0x${'1'.repeat(40)}`
/** Generous bound on "settles": the deadline (4 s) plus slack for a loaded machine. */
const SETTLE_MS = 30_000

/** Writes `chunk` forever (until the client goes away). */
function endless(chunk: string): Hostile {
  return (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"jsonrpc":"2.0","id":1,"result":"')
    const timer = setInterval(() => {
      if (!res.write(chunk.repeat(64))) return
    }, 1)
    res.on('close', () => clearInterval(timer))
  }
}
/** One byte every 200 ms, never finishing (slow-loris answer). */
const trickle: Hostile = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  const timer = setInterval(() => res.write(' '), 200)
  res.on('close', () => clearInterval(timer))
}
/** A valid answer of `bytes` bytes. */
const sized =
  (bytes: number): Hostile =>
  (res: ServerResponse, id: unknown) => {
    const head = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":"0x`
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(`${head}${'0'.repeat(Math.max(1, bytes - head.length - 2))}"}`)
  }

const CASES: Array<[string, Hostile]> = [
  ['invalid JSON', '{"jsonrpc":"2.0","id":'],
  ['a wrong id', '{"jsonrpc":"2.0","id":987654,"result":"0x5"}'],
  ['neither result nor error', '{"jsonrpc":"2.0","id":1}'],
  ['a 200 with an HTML body', '<html><body>502 Bad Gateway</body></html>'],
  ['an empty 200', ''],
  ['an endless body', endless('0')],
  ['a slow-loris trickle', trickle],
  ['a body over maxResponseBytes (11 MB)', sized(11 * 1024 * 1024)],
]

let good: LocalServer
beforeAll(async () => {
  good = await startFakeJsonRpc(undefined)
})
afterAll(async () => {
  await good?.close()
  flush()
})

const url = (s: LocalServer) => `http://127.0.0.1:${s.port}/`
const opts = {
  cacheTimeout: -1,
  batchMaxCount: 1,
  attemptTimeoutMs: 1000,
  deadlineMs: 4000,
  probeIntervalMs: 200,
  probeTimeoutMs: 500,
}

/** Resolves with the call's value or its error, or 'pending' if it outlives SETTLE_MS. */
async function settle<T>(p: Promise<T>): Promise<T | unknown> {
  return Promise.race([
    p.then(
      (v) => v,
      (e: unknown) => e,
    ),
    sleep(SETTLE_MS, 'pending', { ref: false }),
  ])
}

describe('hostile JSON-RPC answers (ethers)', () => {
  it.each(CASES)(
    'behavior: a replica answering %s is failed over; the call returns the next replica answer',
    async (_name, hostile) => {
      const bad = await startFakeJsonRpc(hostile)
      const provider = new FailoverProvider([url(bad), url(good)], 1337, opts)
      try {
        const value = await settle(provider.getBalance(ADDRESS))
        expect(value).toBe(1n)
        expect(bad.attacks).toBeGreaterThan(0)
        tally('hostileAnswers')
      } finally {
        await provider.close()
        await bad.close()
      }
    },
  )

  it.each(CASES)(
    'error: with only a replica answering %s, the call fails with a typed error before its deadline',
    async (_name, hostile) => {
      const bad = await startFakeJsonRpc(hostile)
      const provider = new FailoverProvider([url(bad)], 1337, opts)
      try {
        const error = await settle(provider.getBalance(ADDRESS))
        expect(error).not.toBe('pending')
        expect(error).toBeInstanceOf(Error)
        // Either core's typed error, or ethers' own mapping of it (the cause keeps the code).
        const code = (error as { code?: string }).code
        expect(['ENDPOINTS_EXHAUSTED', 'DEADLINE_EXCEEDED']).toContain(code)
        tally('hostileAnswers')
      } finally {
        await provider.close()
        await bad.close()
      }
    },
  )

  it('behavior: maxResponseBytes is configurable; a 4 KB answer over a 1 KB limit fails over, under it is served', async () => {
    const big = await startFakeJsonRpc(sized(4096))
    const strict = new FailoverProvider([url(big), url(good)], 1337, {
      ...opts,
      maxResponseBytes: 1024,
    })
    const roomy = new FailoverProvider([url(big)], 1337, { ...opts, maxResponseBytes: 8192 })
    try {
      expect(await settle(strict.getBalance(ADDRESS))).toBe(1n)
      const served = await settle(roomy.getBalance(ADDRESS))
      expect(typeof served).toBe('bigint')
      expect(served).not.toBe(1n)
    } finally {
      await Promise.all([strict.close(), roomy.close()])
      await big.close()
    }
  })
})
