import type { KuboRPCClient } from 'kubo-rpc-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type KuboTarget, RUN, startKuboTarget } from './fixtures/kubo-target.js'
import {
  ContentMismatchError,
  createFailoverKubo,
  type FailoverKubo,
  InputNotReplayableError,
  StickyEndpointUnavailableError,
  type SubscriptionGap,
} from './index.js'

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of source) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

function pattern(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 12) + seed) % 256
  return out
}

async function pinCount(client: KuboRPCClient, cid: string): Promise<number> {
  let n = 0
  try {
    for await (const pin of client.pin.ls({ paths: [cid] })) if (pin.cid.toString() === cid) n++
  } catch {
    // "not pinned"
  }
  return n
}

/** `data` followed by this run's tag: real nodes keep pins between runs. */
function unique(data: Uint8Array): Uint8Array {
  return Buffer.concat([data, Buffer.from(RUN)])
}

async function* oneShot(data: Uint8Array, chunk: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk)
}

// By default the testkit's js-ipfs nodes; with STEADFAST_IPFS_URLS real Kubo nodes (see README).
describe('createFailoverKubo against a 3-node IPFS set', () => {
  let set: KuboTarget
  let kubo: FailoverKubo
  let direct: KuboRPCClient[]
  const big = pattern(10 * 1024 * 1024, 1)
  let bigCid: string
  let smallCid: string
  const gaps: SubscriptionGap[] = []
  /** Failed attempts seen by the set, by endpoint id: proves a fault was really hit. */
  const failures: string[] = []
  const node0 = () => new URL(set.urls[0] as string).host

  beforeAll(async () => {
    set = await startKuboTarget({ nodes: 3 })
    direct = set.nodes.map((n) => set.client(n.directUrl))
    bigCid = (await set.addReplicated(big)).cid
    smallCid = (await set.addReplicated(pattern(300_000, 2))).cid
    kubo = createFailoverKubo({
      endpoints: set.endpoints,
      attemptTimeoutMs: 1_500,
      streamIdleTimeoutMs: 1_500,
      hedge: { delayMs: 400 },
      health: { intervalMs: 300, timeoutMs: 500, fall: 1, rise: 1 },
      outlier: { baseEjectionMs: 300, maxEjectionMs: 600 },
      failbackAfterMs: 1,
      stickyEndpoint: set.urls[1] as string,
      onSubscriptionGap: (gap) => gaps.push(gap),
    })
    kubo.failover.set.start()
    kubo.failover.set.on('attempt', (e) => {
      if (e.outcome === 'failure') failures.push(e.endpoint)
    })
  })

  afterEach(async () => {
    for (const node of set.nodes) {
      await node.resume()
      if (node.down) await node.restart()
      if (node.proxy.mode.kind !== 'pass') await node.proxy.setMode({ kind: 'pass' })
    }
    // Each test starts with every node serving again (probes and ejection timers are short).
    await expect
      .poll(
        () =>
          kubo.failover.set.status().every((s) => s.state === 'healthy') &&
          kubo.failover.set.pick()?.id === node0(),
        { timeout: 10_000 },
      )
      .toBe(true)
  }, 15_000)

  afterAll(async () => {
    await kubo?.failover.close()
    await set?.close()
  })

  it('behavior: a 10 MB cat whose node is killed midway returns byte-identical content', async () => {
    const chunks: Buffer[] = []
    let received = 0
    let killedAt = 0
    const opened: string[] = []
    const off = kubo.failover.set.on('attempt', (e) => {
      if (e.outcome === 'success') opened.push(e.endpoint)
    })
    for await (const chunk of kubo.cat(bigCid)) {
      chunks.push(Buffer.from(chunk))
      received += chunk.byteLength
      if (killedAt === 0 && received > 3_000_000) {
        killedAt = received
        await set.nodes[0]!.kill()
      }
    }
    off()
    expect(killedAt).toBeGreaterThan(0)
    expect(killedAt).toBeLessThan(big.length)
    // opened on node 0, then reopened on another node after the kill
    expect(opened[0]).toBe(node0())
    expect(opened.slice(1).some((id) => id !== node0())).toBe(true)
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(big))).toBe(0)
  })

  it('behavior: a get (tar) whose node is killed midway resumes with the exact file inside', async () => {
    const reference = await readAll(direct[2]!.get(bigCid))
    const chunks: Buffer[] = []
    let received = 0
    let killed = false
    for await (const chunk of kubo.get(bigCid)) {
      chunks.push(Buffer.from(chunk))
      received += chunk.byteLength
      if (!killed && received > 3_000_000) {
        killed = true
        await set.nodes[0]!.kill()
      }
    }
    expect(killed).toBe(true)
    const tar = Buffer.concat(chunks)
    expect(tar.length).toBe(reference.length)
    // js-ipfs stamps the tar header with the time of the request; the file after it must match.
    expect(Buffer.compare(tar.subarray(512, 512 + big.length), Buffer.from(big))).toBe(0)
  })

  it('behavior: verifyCat passes content that matches its CID and rejects a node serving other bytes', async () => {
    const verified = createFailoverKubo({ endpoints: set.endpoints, probe: false, verifyCat: true })
    const only0 = createFailoverKubo({
      endpoints: [set.endpoints[0]!],
      probe: false,
      verifyCat: true,
    })
    try {
      expect((await readAll(verified.cat(bigCid))).length).toBe(big.length) // dag-pb: re-import check
      const raw = (await direct[0]!.add('raw leaf', { cidVersion: 1, rawLeaves: true })).cid
      expect(raw.code).toBe(0x55)
      await set.nodes[0]!.proxy.setMode({ kind: 'http', status: 200, body: 'forged bytes' })
      await new Promise((resolve) => setTimeout(resolve, 200)) // pooled sockets were reset
      const plain = set.client(set.urls[0] as string)
      expect((await readAll(plain.cat(raw))).toString()).toBe('forged bytes') // unverified: accepted
      const error = await readAll(only0.cat(raw)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ContentMismatchError)
      expect((error as ContentMismatchError).code).toBe('CONTENT_MISMATCH')
    } finally {
      await verified.failover.close()
      await only0.failover.close()
    }
  })

  it('behavior: a cat of a CID no node holds ends (js-ipfs would hang forever)', async () => {
    const missing = (await direct[0]!.add('held by nobody', { onlyHash: true })).cid
    const error = await readAll(kubo.cat(missing, { timeout: 300 })).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: expect.stringMatching(/ENDPOINTS_EXHAUSTED|DEADLINE_EXCEEDED/),
    })
  })

  it("args: the caller's AbortSignal ends a call at once with ABORTED", async () => {
    const missing = (await direct[0]!.add('also held by nobody', { onlyHash: true })).cid
    const controller = new AbortController()
    const pending = kubo.block.get(missing, { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' })
  })

  it('error: plain kubo-rpc-client fails when its node is killed midway through a cat', async () => {
    const plain = set.client(set.urls[0] as string)
    const read = async () => {
      let received = 0
      for await (const chunk of plain.cat(bigCid)) {
        received += chunk.byteLength
        if (received > 3_000_000 && !set.nodes[0]!.down) await set.nodes[0]!.kill()
      }
    }
    await expect(read()).rejects.toThrow()
  })

  it('behavior: reads continue through kill, hang, HTTP 500 and slow nodes with zero failed calls', async () => {
    const faults = [
      async () => set.nodes[0]!.kill(),
      async () => set.nodes[0]!.proxy.setMode({ kind: 'hang' }),
      async () =>
        set.nodes[0]!.proxy.setMode({ kind: 'http', status: 500, body: 'Internal Server Error' }),
      async () => set.nodes[0]!.proxy.setMode({ kind: 'slow', delayMs: 200 }),
    ]
    let failed = 0
    let calls = 0
    for (const fault of faults) {
      await fault()
      for (let i = 0; i < 3; i++) {
        const results = await Promise.allSettled([
          readAll(kubo.cat(smallCid)).then((b) => expect(b.length).toBe(300_000)),
          kubo.block.stat(smallCid as never),
          kubo.version(),
          kubo.id(),
          (async () => {
            for await (const _ of kubo.ls(smallCid)) {
              // drain
            }
          })(),
        ])
        calls += results.length
        failed += results.filter((r) => r.status === 'rejected').length
      }
      // the next fault starts from a healthy node 0
      await set.nodes[0]!.resume()
      if (set.nodes[0]!.down) await set.nodes[0]!.restart()
      await set.nodes[0]!.proxy.setMode({ kind: 'pass' })
    }
    expect(calls).toBe(60)
    expect(failed).toBe(0)
    expect(failures).toContain(node0())
  })

  it('behavior: a read is hedged to a second node while the first is slow, and the hedge wins', async () => {
    const hedged: { endpoint: string; outcome: string }[] = []
    const off = kubo.failover.set.on('attempt', (e) => {
      if (e.hedged) hedged.push({ endpoint: e.endpoint, outcome: e.outcome })
    })
    try {
      await set.nodes[0]!.proxy.setMode({ kind: 'slow', delayMs: 3_000 })
      // Let the client drop its pooled sockets (reset by the mode change): a fresh one is slow.
      await new Promise((resolve) => setTimeout(resolve, 200))
      const block = await kubo.block.get(smallCid as never)
      expect(block.byteLength).toBeGreaterThan(0)
      expect(hedged).toContainEqual({
        endpoint: expect.not.stringMatching(node0()),
        outcome: 'success',
      })
    } finally {
      off()
    }
  })

  it('error: plain kubo-rpc-client fails against the same kill, hang and HTTP 500 faults', async () => {
    const plain = set.client(set.urls[0] as string)
    await set.nodes[0]!.proxy.setMode({ kind: 'http', status: 500, body: 'Internal Server Error' })
    await expect(plain.version()).rejects.toThrow()
    await set.nodes[0]!.proxy.setMode({ kind: 'hang' })
    await expect(plain.version({ signal: AbortSignal.timeout(1_500) })).rejects.toThrow()
    await set.nodes[0]!.proxy.setMode({ kind: 'pass' })
    await set.nodes[0]!.kill()
    await expect(plain.version()).rejects.toThrow()
  })

  it("error: kubo-rpc-client's own timeout option does not end a call to a hung node", async () => {
    await set.nodes[0]!.proxy.setMode({ kind: 'hang' })
    // Let the client notice its pooled sockets were reset, so the call really meets the hang.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const plain = set.client(set.urls[0] as string, { timeout: 300 })
    const call = plain.version({ timeout: 300 })
    call.catch(() => undefined)
    const outcome = await Promise.race([
      call.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 2_000).unref()),
    ])
    expect(outcome).toBe('still pending')
  })

  it('behavior: an add retried after a hang gives the same CID and pins it on one node only', async () => {
    const content = unique(pattern(2_000_000, 3))
    const expected = (await direct[2]!.add(content, { onlyHash: true, pin: false })).cid.toString()
    await set.nodes[0]!.proxy.setMode({ kind: 'hang' })
    failures.length = 0
    const first = await kubo.add(oneShot(content, 65_536))
    expect(failures).toEqual([node0()]) // the hung node was tried first, then the add moved
    const again = await kubo.add(content)
    expect(first.cid.toString()).toBe(expected)
    expect(again.cid.toString()).toBe(expected)
    const pins = await Promise.all(direct.map((c) => pinCount(c, expected)))
    expect(pins.reduce((a, b) => a + b)).toBe(1)
    expect(pins[0]).toBe(0)
  })

  it('behavior: an addAll of one-shot files retried after a hang yields every CID once', async () => {
    const files = [pattern(300_000, 5), pattern(200_000, 6)]
    const expected = await Promise.all(
      files.map(async (f) => (await direct[2]!.add(f, { onlyHash: true })).cid.toString()),
    )
    await set.nodes[0]!.proxy.setMode({ kind: 'hang' })
    failures.length = 0
    const source = async function* () {
      yield { path: 'a.bin', content: oneShot(files[0]!, 65_536) }
      yield { path: 'b.bin', content: oneShot(files[1]!, 65_536) }
    }
    const results: string[] = []
    for await (const r of kubo.addAll(source())) results.push(r.cid.toString())
    expect(failures).toContain(node0())
    expect(results).toEqual(expected)
  })

  it('error: a one-shot stream larger than maxReplayBytes is not retried and says why', async () => {
    const small = createFailoverKubo({
      endpoints: set.endpoints,
      probe: false,
      attemptTimeoutMs: 1_500,
      maxReplayBytes: 100_000,
    })
    try {
      await set.nodes[0]!.proxy.setMode({ kind: 'hang' })
      const error = await small.add(oneShot(pattern(1_000_000, 4), 65_536)).catch((e) => e)
      expect(error).toBeInstanceOf(InputNotReplayableError)
      expect(error.code).toBe('INPUT_NOT_REPLAYABLE')
    } finally {
      await small.failover.close()
    }
  })

  it('behavior: an MFS write stays on its sticky node and is never moved to a second node', async () => {
    // Run-unique names: a real node's MFS persists between runs.
    const sticky = `/sticky-${RUN}.txt`
    const moved = `/moved-${RUN}.txt`
    await kubo.files.write(sticky, 'node-local', { create: true, parents: true })
    expect((await direct[1]!.files.stat(sticky)).size).toBe(10)
    await set.nodes[1]!.kill()
    const error = await kubo.files
      .write(moved, 'must not move', { create: true })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StickyEndpointUnavailableError)
    for (const i of [0, 2]) {
      await expect(direct[i]!.files.stat(sticky)).rejects.toThrow()
      await expect(direct[i]!.files.stat(moved)).rejects.toThrow()
    }
    await set.nodes[1]!.restart()
    await expect(direct[1]!.files.stat(moved)).rejects.toThrow()
  })

  it('behavior: a pubsub subscription moves to another node when its node dies and reports the gap', async () => {
    const topic = `steadfast-${RUN}`
    const got: string[] = []
    await kubo.pubsub.subscribe(topic, (m) => got.push(Buffer.from(m.data).toString()))
    // Offline nodes do not relay: publish on every node; only the subscriber's node delivers.
    const publish = (text: string) =>
      Promise.allSettled(direct.map((c) => c.pubsub.publish(topic, Buffer.from(text))))
    await publish('before')
    await expect.poll(() => got).toContain('before')
    const serving = kubo.failover.subscriptions()[0]?.endpoint
    const victim = set.nodes.findIndex((n) => new URL(n.url).host === serving)
    expect(victim).toBeGreaterThanOrEqual(0)
    await set.nodes[victim]!.kill()
    await expect.poll(() => gaps.length, { timeout: 10_000 }).toBeGreaterThan(0)
    const gap = gaps[0]!
    expect(gap).toMatchObject({ topic, from: serving })
    expect(gap.to).toBeDefined()
    expect(gap.to).not.toBe(serving)
    expect(kubo.failover.subscriptions()[0]?.endpoint).toBe(gap.to)
    await publish('after')
    await expect.poll(() => got).toContain('after')
    await kubo.pubsub.unsubscribe(topic)
    expect(kubo.failover.subscriptions()).toEqual([])
  })
})
