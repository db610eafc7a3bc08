import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import type { SetEvents } from '../types.js'

const urls = ['http://a.test:1', 'http://b.test:2', 'http://c.test:3']
const [A, B] = ['a.test:1', 'b.test:2'] as const

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** An op whose latency per endpoint id is scripted; records aborts. */
function slowOp(latency: Record<string, number>) {
  const aborted: string[] = []
  const started: string[] = []
  const op = (e: { id: string }, ctx: { signal: AbortSignal }) =>
    new Promise<string>((resolve) => {
      started.push(e.id)
      const t = setTimeout(() => resolve(e.id), latency[e.id] ?? 10)
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t)
        aborted.push(e.id)
      })
    })
  return { op, aborted, started }
}

describe('hedging', () => {
  it('behavior: after the fixed delay a second endpoint races; first success wins, loser aborted', async () => {
    const set = createEndpointSet({ endpoints: urls, hedge: { delayMs: 100 } })
    const hedges: SetEvents['hedge'][] = []
    const attempts: SetEvents['attempt'][] = []
    set.on('hedge', (e) => hedges.push(e))
    set.on('attempt', (e) => attempts.push(e))
    const { op, aborted, started } = slowOp({ [A]: 1000, [B]: 50 })
    const p = set.execute(op)
    await vi.advanceTimersByTimeAsync(99)
    expect(started).toEqual([A])
    await vi.advanceTimersByTimeAsync(51)
    await expect(p).resolves.toBe(B)
    expect(hedges).toEqual([{ set: 'default', endpoint: B, delayMs: 100 }])
    expect(aborted).toEqual([A])
    await vi.advanceTimersByTimeAsync(0)
    expect(attempts.map((a) => `${a.endpoint}:${a.outcome}:${a.hedged}`)).toEqual([
      `${B}:success:true`,
      `${A}:aborted:false`,
    ])
    await set.close()
  })

  it('behavior: no hedge when the first attempt answers before the delay', async () => {
    const set = createEndpointSet({ endpoints: urls, hedge: { delayMs: 100 } })
    const { op, started } = slowOp({ [A]: 50 })
    const p = set.execute(op)
    await vi.advanceTimersByTimeAsync(200)
    await expect(p).resolves.toBe(A)
    expect(started).toEqual([A])
    await set.close()
  })

  it('behavior: non-idempotent calls are never hedged', async () => {
    const set = createEndpointSet({ endpoints: urls, hedge: { delayMs: 100 } })
    const { op, started } = slowOp({ [A]: 1000 })
    const p = set.execute(op, { idempotent: false })
    await vi.advanceTimersByTimeAsync(1000)
    await expect(p).resolves.toBe(A)
    expect(started).toEqual([A])
    await set.close()
  })

  it('behavior: the adaptive delay follows the p90 of observed latencies', async () => {
    const set = createEndpointSet({ endpoints: urls, hedge: { delayMs: 'adaptive' } })
    const hedges: number[] = []
    set.on('hedge', (e) => hedges.push(e.delayMs))
    const fast = slowOp({ [A]: 40 })
    for (let i = 0; i < 20; i++) {
      const p = set.execute(fast.op, { hedge: false })
      await vi.advanceTimersByTimeAsync(40)
      await p
    }
    const slow = slowOp({ [A]: 1000, [B]: 10 })
    const p = set.execute(slow.op)
    await vi.advanceTimersByTimeAsync(60)
    await expect(p).resolves.toBe(B)
    expect(hedges).toEqual([40])
    await set.close()
  })

  it('behavior: a failed hedge leaves the other attempt running', async () => {
    const set = createEndpointSet({ endpoints: urls, hedge: { delayMs: 10 } })
    const op = (e: { id: string }) =>
      e.id === A
        ? new Promise<string>((r) => setTimeout(() => r(A), 100))
        : Promise.reject(new Error('refused'))
    const p = set.execute(op)
    await vi.advanceTimersByTimeAsync(100)
    await expect(p).resolves.toBe(A)
    await set.close()
  })

  it('behavior: the caller signal aborts every running attempt', async () => {
    const set = createEndpointSet({ endpoints: urls, hedge: { delayMs: 10 } })
    const { op, aborted } = slowOp({ [A]: 1000, [B]: 1000 })
    const ac = new AbortController()
    const p = set.execute(op, { signal: ac.signal })
    const caught = p.catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(20)
    ac.abort(new Error('user left'))
    const e = (await caught) as { code: string; cause: Error }
    expect(e.code).toBe('ABORTED')
    expect(e.cause.message).toBe('user left')
    expect(aborted.sort()).toEqual([A, B])
    await set.close()
  })
})
