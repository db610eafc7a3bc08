import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import type { FailureKind } from '../types.js'

/** Real local HTTP peers: one that answers, one that hangs, and a port nobody listens on. */
let ok: Server
let hang: Server
let refusedUrl: string
let hangClosed: Promise<void>
let markHangClosed: () => void

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => {
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`))
  })
}

beforeAll(async () => {
  ok = createServer((_req, res) => res.end('pong'))
  hangClosed = new Promise((r) => {
    markHangClosed = r
  })
  hang = createServer((req) => req.on('close', () => markHangClosed()))
  const tmp = createServer()
  refusedUrl = await listen(tmp)
  await new Promise((r) => tmp.close(r))
})

afterAll(async () => {
  hang.closeAllConnections()
  await Promise.all([new Promise((r) => ok.close(r)), new Promise((r) => hang.close(r))])
})

const classify = (e: unknown): FailureKind => {
  const code = (e as { cause?: { code?: string } }).cause?.code
  return code === 'ECONNREFUSED' ? 'unsent' : 'retryable'
}

describe('execute against real HTTP peers', () => {
  it('behavior: skips a refused peer, aborts a hung one at the attempt timeout, answers from the live one', async () => {
    const okUrl = await listen(ok)
    const hangUrl = await listen(hang)
    const set = createEndpointSet({
      endpoints: [refusedUrl, hangUrl, okUrl],
      shouldFailover: classify,
      attemptTimeoutMs: 1000,
    })
    const outcomes: string[] = []
    set.on('attempt', (e) =>
      outcomes.push(
        `${e.endpoint === set.endpoints[0]!.id ? 'refused' : e.endpoint === set.endpoints[1]!.id ? 'hang' : 'ok'}:${e.outcome}`,
      ),
    )
    const body = await set
      .execute(async (e, { signal }) => (await fetch(e.url, { signal })).text(), {
        idempotent: false,
      })
      .catch((e: unknown) => e)
    // Non-idempotent: the refused peer is provably unsent (move on); the hang MAY have been processed (stop).
    expect((body as { code?: string }).code).toBe('ENDPOINTS_EXHAUSTED')
    await hangClosed
    expect(outcomes).toEqual(['refused:failure', 'hang:failure'])

    const again = await set.execute(async (e, { signal }) =>
      (await fetch(e.url, { signal })).text(),
    )
    expect(again).toBe('pong')
    await set.close()
  })
})
