import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEndpointSet } from './create-endpoint-set.js'
import {
  AttemptTimeoutError,
  DeadlineExceededError,
  NoEndpointAvailableError,
} from './errors/call-errors.js'
import { EndpointsExhaustedError } from './errors/endpoints-exhausted-error.js'
import type { Endpoint, FailureKind, SetEvents } from './types.js'

const urls = ['http://a.test:1', 'http://b.test:2', 'http://c.test:3']
const ids = ['a.test:1', 'b.test:2', 'c.test:3']

function fail(kind: FailureKind, message = kind): Error & { kind: FailureKind } {
  return Object.assign(new Error(message), { kind })
}
const classify = (e: unknown) => (e as { kind?: FailureKind }).kind ?? 'retryable'

function collect<K extends keyof SetEvents>(
  set: { on: (k: K, f: (e: SetEvents[K]) => void) => () => void },
  k: K,
) {
  const out: SetEvents[K][] = []
  set.on(k, (e) => out.push(e))
  return out
}

afterEach(() => {
  vi.useRealTimers()
})

describe('execute', () => {
  it('behavior: serves from the primary when it answers', async () => {
    const set = createEndpointSet({ endpoints: urls })
    const seen: string[] = []
    const r = await set.execute(async (e) => {
      seen.push(e.id)
      return 42
    })
    expect(r).toBe(42)
    expect(seen).toEqual([ids[0]])
    await set.close()
  })

  it('behavior: fails over to the next endpoint on a retryable failure and emits failover', async () => {
    const set = createEndpointSet({ endpoints: urls, shouldFailover: classify })
    const failovers = collect(set, 'failover')
    const seen: string[] = []
    const r = await set.execute(async (e) => {
      seen.push(e.id)
      if (e.id === ids[0]) throw fail('retryable', 'connection reset')
      return e.id
    })
    expect(r).toBe(ids[1])
    expect(seen).toEqual([ids[0], ids[1]])
    expect(failovers).toEqual([
      { set: 'default', from: ids[0], to: ids[1], reason: 'connection reset' },
    ])
    await set.close()
  })

  it('behavior: a fatal error is rethrown untouched, without failover or health damage', async () => {
    const set = createEndpointSet({
      endpoints: urls,
      shouldFailover: classify,
      outlier: { consecutiveFailures: 1 },
    })
    const err = fail('fatal', 'execution reverted')
    const seen: string[] = []
    await expect(
      set.execute(async (e) => {
        seen.push(e.id)
        throw err
      }),
    ).rejects.toBe(err)
    expect(seen).toEqual([ids[0]])
    expect(set.status()[0]!.state).toBe('healthy')
    await set.close()
  })

  it('behavior: a non-idempotent call does not move on after a retryable failure', async () => {
    const set = createEndpointSet({ endpoints: urls, shouldFailover: classify })
    const seen: string[] = []
    const p = set.execute(
      async (e) => {
        seen.push(e.id)
        throw fail('retryable', 'socket hang up')
      },
      { idempotent: false },
    )
    await expect(p).rejects.toBeInstanceOf(EndpointsExhaustedError)
    expect(seen).toEqual([ids[0]])
    await set.close()
  })

  it('behavior: a non-idempotent call moves on when the request was provably unsent', async () => {
    const set = createEndpointSet({ endpoints: urls, shouldFailover: classify })
    const seen: string[] = []
    const r = await set.execute(
      async (e) => {
        seen.push(e.id)
        if (e.id !== ids[2]) throw fail('unsent', 'ECONNREFUSED')
        return 'ok'
      },
      { idempotent: false },
    )
    expect(r).toBe('ok')
    expect(seen).toEqual(ids)
    await set.close()
  })

  it('error: EndpointsExhaustedError lists each attempt with redacted url and cause', async () => {
    const set = createEndpointSet({
      endpoints: ['https://u:pw@a.test/v3/0123456789abcdef0123456789abcdef', 'http://b.test:2'],
      maxAttempts: 2,
    })
    const err = await set
      .execute(async (e) => {
        throw new Error(`boom at ${e.url}`)
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EndpointsExhaustedError)
    const x = err as EndpointsExhaustedError
    expect(x.code).toBe('ENDPOINTS_EXHAUSTED')
    expect(x.attempts.map((a) => a.endpoint)).toEqual([
      'https://***@a.test/v3/***',
      'http://b.test:2',
    ])
    expect(x.message).not.toContain('pw')
    expect(x.message).not.toContain('0123456789abcdef')
    expect(x.message).not.toContain('\n')
    await set.close()
  })

  it('behavior: a hung attempt times out (AbortSignal fired) and the next endpoint serves', async () => {
    vi.useFakeTimers()
    const set = createEndpointSet({ endpoints: urls, attemptTimeoutMs: 1000 })
    const attempts = collect(set, 'attempt')
    let signal: AbortSignal | undefined
    const p = set.execute(async (e, ctx) => {
      if (e.id === ids[0]) {
        signal = ctx.signal
        return new Promise<string>(() => {})
      }
      return e.id
    })
    await vi.advanceTimersByTimeAsync(1000)
    await expect(p).resolves.toBe(ids[1])
    expect(signal?.aborted).toBe(true)
    expect(signal?.reason).toBeInstanceOf(AttemptTimeoutError)
    expect(attempts.map((a) => a.outcome)).toEqual(['failure', 'success'])
    await set.close()
  })

  it('behavior: the overall deadline stops a call that keeps failing over', async () => {
    vi.useFakeTimers()
    const set = createEndpointSet({
      endpoints: urls,
      attemptTimeoutMs: 1000,
      deadlineMs: 2500,
      maxAttempts: 10,
    })
    const p = set.execute(() => new Promise<never>(() => {}))
    const caught = p.catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(2500)
    const e = await caught
    expect(e).toBeInstanceOf(DeadlineExceededError)
    expect((e as DeadlineExceededError).cause).toBeInstanceOf(EndpointsExhaustedError)
    await set.close()
  })

  it('behavior: backs off between full rounds, then succeeds in the second round', async () => {
    vi.useFakeTimers()
    const set = createEndpointSet({
      endpoints: urls.slice(0, 2),
      maxAttempts: 4,
      backoff: { baseMs: 1000, maxMs: 1000 },
      random: () => 0.5,
    })
    let calls = 0
    const p = set.execute(async (e) => {
      calls++
      if (calls <= 2) throw new Error('down')
      return e.id
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toBe(2)
    await vi.advanceTimersByTimeAsync(499)
    expect(calls).toBe(2)
    await vi.advanceTimersByTimeAsync(1)
    await expect(p).resolves.toBe(ids[0])
    await set.close()
  })

  it('error: NoEndpointAvailableError when every endpoint is cordoned', async () => {
    const set = createEndpointSet({ endpoints: urls })
    for (const id of ids) set.cordon(id)
    await expect(set.execute(async () => 1)).rejects.toBeInstanceOf(NoEndpointAvailableError)
    await set.close()
  })

  it('args: only, affinity and exclude steer the call', async () => {
    const set = createEndpointSet({ endpoints: urls })
    const first = (o: object) => set.execute(async (e: Endpoint) => e.id, o)
    expect(await first({ affinity: ids[2] })).toBe(ids[2])
    expect(await first({ exclude: [ids[0]] })).toBe(ids[1])
    const seen: string[] = []
    await expect(
      set.execute(
        async (e) => {
          seen.push(e.id)
          throw new Error('x')
        },
        { only: ids[1], maxAttempts: 2, deadlineMs: 60_000 },
      ),
    ).rejects.toBeInstanceOf(EndpointsExhaustedError)
    expect(seen).toEqual([ids[1], ids[1]])
    await set.close()
  })

  it('behavior: events and status never carry a secret of the endpoint urls', async () => {
    const secretUrl =
      'https://alice:pa55word@rpc.test/v3/0123456789abcdef0123456789abcdef?apikey=k3y'
    const set = createEndpointSet({
      endpoints: [secretUrl, 'http://b.test:2'],
      outlier: { consecutiveFailures: 1 },
    })
    const seen: unknown[] = []
    for (const k of ['attempt', 'failover', 'stateChange'] as const) set.on(k, (e) => seen.push(e))
    await set.execute(async (e) => {
      if (e.url === secretUrl) throw new Error(`fetch ${secretUrl} failed`)
      return 1
    })
    const text =
      JSON.stringify(seen, (_k, v) => (v instanceof Error ? v.message : v)) +
      JSON.stringify(set.status())
    expect(seen.length).toBeGreaterThan(2)
    expect(text).not.toMatch(/pa55word|0123456789abcdef|k3y/)
    expect(text).toContain('https://***@rpc.test/v3/***?apikey=***')
    await set.close()
  })

  it('error: bad per-call options reject with ConfigError naming the field', async () => {
    const set = createEndpointSet({ endpoints: urls })
    const op = async () => 1
    await expect(set.execute(op, { deadlineMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      field: 'execute.deadlineMs',
    })
    await expect(set.execute(op, { maxAttempts: 1.5 })).rejects.toMatchObject({
      field: 'execute.maxAttempts',
    })
    await expect(set.execute(op, { exclude: [3 as never] })).rejects.toMatchObject({
      field: 'execute.exclude[0]',
    })
    expect(() => set.pick({ minHeight: Number.NaN })).toThrow(/execute.minHeight/)
    await set.close()
  })
})
