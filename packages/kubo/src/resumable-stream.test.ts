import { createEndpointSet, type Endpoint, type EndpointSet } from '@steadfast/core'
import { afterEach, describe, expect, it } from 'vitest'
import type { ResumeMode } from './call-rules.js'
import { kuboShouldFailover } from './kubo-should-failover.js'
import { resumableStream, type StreamCall } from './resumable-stream.js'

const DATA = Buffer.from('abcdefghijklmnopqrstuvwxyz')

/** Node 'a' dies (socket closed) after `failAfter` chunks; every other node serves everything. */
function source(failAfter: number, opened: string[]) {
  return (endpoint: Endpoint, _signal: AbortSignal, delivered: number, offsetMode: boolean) =>
    (async function* () {
      opened.push(`${endpoint.id}@${delivered}`)
      const from = offsetMode ? delivered : 0
      let n = 0
      for (let i = from; i < DATA.length; i += 4) {
        if (endpoint.id === 'a' && n++ === failAfter)
          throw new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } })
        yield new Uint8Array(DATA.subarray(i, i + 4))
      }
    })()
}

describe('resumableStream', () => {
  let set: EndpointSet
  afterEach(async () => set?.close())

  function spec(mode: ResumeMode, opened: string[], extra: Partial<StreamCall<Uint8Array>> = {}) {
    set = createEndpointSet({
      endpoints: [
        { url: 'http://node-a:5001', id: 'a' },
        { url: 'http://node-b:5001', id: 'b' },
      ],
      shouldFailover: kuboShouldFailover,
    })
    const open = source(2, opened)
    return {
      call: 'cat',
      mode,
      idleTimeoutMs: 1_000,
      maxResumes: 3,
      classify: (e: unknown) => kuboShouldFailover(e),
      execute: {},
      open: (ep: Endpoint, signal: AbortSignal, delivered: number) =>
        open(ep, signal, delivered, mode === 'offset'),
      ...extra,
    } satisfies StreamCall<Uint8Array>
  }

  async function read(s: StreamCall<Uint8Array>): Promise<string> {
    const parts: Buffer[] = []
    for await (const chunk of resumableStream(set, s)) parts.push(Buffer.from(chunk))
    return Buffer.concat(parts).toString()
  }

  it('behavior: offset mode reopens on another node at the byte offset already delivered', async () => {
    const opened: string[] = []
    expect(await read(spec('offset', opened))).toBe(DATA.toString())
    expect(opened).toEqual(['a@0', 'b@8'])
  })

  it('behavior: skipBytes mode re-reads from the start and drops the delivered prefix once', async () => {
    const opened: string[] = []
    expect(await read(spec('skipBytes', opened))).toBe(DATA.toString())
    expect(opened).toEqual(['a@0', 'b@8'])
  })

  it('behavior: skipItems mode drops the items already delivered', async () => {
    const opened: string[] = []
    expect(await read(spec('skipItems', opened))).toBe(DATA.toString())
  })

  it('error: a non-resumable stream that broke after its first item says so', async () => {
    const opened: string[] = []
    await expect(read(spec('none', opened))).rejects.toMatchObject({ code: 'STREAM_INTERRUPTED' })
  })

  it('behavior: a caller holding a chunk longer than the idle timeout does not trip it', async () => {
    const opened: string[] = []
    const s = spec('offset', opened, { idleTimeoutMs: 50 })
    const parts: Buffer[] = []
    for await (const chunk of resumableStream(set, s)) {
      parts.push(Buffer.from(chunk))
      await new Promise((resolve) => setTimeout(resolve, 120))
    }
    expect(Buffer.concat(parts).toString()).toBe(DATA.toString())
    expect(opened).toEqual(['a@0', 'b@8']) // only the real failure moved it
  })

  it('behavior: a node silent past the idle timeout is given up and the read resumes elsewhere', async () => {
    const opened: string[] = []
    const s = spec('offset', opened, {
      idleTimeoutMs: 100,
      open: (ep, signal, delivered) =>
        (async function* () {
          opened.push(`${ep.id}@${delivered}`)
          yield new Uint8Array(DATA.subarray(delivered, delivered + 4))
          if (ep.id === 'a') {
            // hang until aborted, like a SIGSTOPped node
            await new Promise((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason)),
            )
          }
          yield new Uint8Array(DATA.subarray(delivered + 4))
        })(),
    })
    expect(await read(s)).toBe(DATA.toString())
    expect(opened).toEqual(['a@0', 'b@4'])
  })

  it('behavior: a node trickling below the minimum rate is given up and the read resumes at its offset', async () => {
    const opened: string[] = []
    const s = spec('offset', opened, {
      idleTimeoutMs: 100,
      minBytesPerSecond: 1_000,
      open: (ep, signal, delivered) =>
        (async function* () {
          opened.push(`${ep.id}@${delivered}`)
          if (ep.id !== 'a') {
            yield new Uint8Array(DATA.subarray(delivered))
            return
          }
          for (let i = delivered; i < DATA.length; i++) {
            // One byte every 10 ms (~100 bytes/s): each byte re-arms the idle timer.
            await new Promise((resolve) => setTimeout(resolve, 10))
            if (signal.aborted) throw signal.reason
            yield new Uint8Array(DATA.subarray(i, i + 1))
          }
        })(),
    })
    expect(await read(s)).toBe(DATA.toString())
    expect(opened).toHaveLength(2)
    expect(opened[1]).toMatch(/^b@[1-9]\d*$/) // resumed past what 'a' had delivered
  })

  it('behavior: a slow consumer is not held to the minimum rate', async () => {
    const opened: string[] = []
    const s = spec('offset', opened, { idleTimeoutMs: 50, minBytesPerSecond: 1e9 })
    const parts: Buffer[] = []
    for await (const chunk of resumableStream(set, s)) {
      parts.push(Buffer.from(chunk))
      await new Promise((resolve) => setTimeout(resolve, 60))
    }
    expect(Buffer.concat(parts).toString()).toBe(DATA.toString())
    expect(opened).toEqual(['a@0', 'b@8']) // only the real failure moved it
  })

  it('error: the overall deadline ends a stream that keeps trickling, with DEADLINE_EXCEEDED', async () => {
    const opened: string[] = []
    const s = spec('offset', opened, {
      deadlineMs: 150,
      open: (ep, signal) =>
        (async function* () {
          opened.push(ep.id)
          for (;;) {
            await new Promise((resolve) => setTimeout(resolve, 5))
            if (signal.aborted) throw signal.reason
            yield new Uint8Array(1)
          }
        })(),
    })
    await expect(read(s)).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' })
    expect(opened).toEqual(['a'])
  })

  it('behavior: with no other node available, a broken stream resumes on the same node', async () => {
    const opened: string[] = []
    const s = spec('offset', opened)
    set.cordon('b')
    expect(await read(s)).toBe(DATA.toString())
    expect(opened).toEqual(['a@0', 'a@8', 'a@16', 'a@24'])
  })

  it('behavior: a content read tries a node the set ejected before failing, as its only holder', async () => {
    const opened: string[] = []
    const s = spec('offset', opened, {
      lastResort: true,
      open: (ep, _signal, delivered) =>
        (async function* () {
          opened.push(ep.id)
          // 'b' has not the content (an offline node would hang until the attempt timeout).
          if (ep.id === 'b')
            throw new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } })
          yield new Uint8Array(DATA.subarray(delivered))
        })(),
    })
    for (let i = 0; i < 5; i++) set.reportFailure('a', new Error('was down'))
    expect(set.status().find((e) => e.id === 'a')?.state).toBe('ejected')
    expect(await read(s)).toBe(DATA.toString())
    expect(opened.at(-1)).toBe('a')
    await expect(read({ ...s, lastResort: false })).rejects.toMatchObject({
      code: 'ENDPOINTS_EXHAUSTED',
    })
  })
})
