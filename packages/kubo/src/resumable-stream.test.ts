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
})
