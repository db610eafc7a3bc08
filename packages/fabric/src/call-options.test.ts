import { InterceptingCall, type Interceptor } from '@grpc/grpc-js'
import { describe, expect, it, vi } from 'vitest'
import { attemptCallOptions } from './call-options.js'

const mine: Interceptor = (options, next) => new InterceptingCall(next(options))

describe('attemptCallOptions', () => {
  it('args: our deadline applies unless the connect-level or per-call options give one', () => {
    vi.useFakeTimers({ now: 1_000 })
    try {
      const signal = new AbortController().signal
      expect(attemptCallOptions(5_000, signal, undefined, undefined).deadline).toBe(6_000)
      expect(
        attemptCallOptions(5_000, signal, () => ({ deadline: 2_000 }), undefined).deadline,
      ).toBe(2_000)
      const perCall = attemptCallOptions(5_000, signal, () => ({ deadline: 2_000 }), {
        deadline: 3_000,
      })
      expect(perCall.deadline).toBe(3_000)
      expect(attemptCallOptions(undefined, signal, undefined, undefined).deadline).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('args: the application interceptors are kept, ours is added last', () => {
    const signal = new AbortController().signal
    const options = attemptCallOptions(1_000, signal, () => ({ interceptors: [mine] }), {
      interceptors: [mine],
    })
    expect(options.interceptors).toHaveLength(3)
    expect(options.interceptors?.slice(0, 2)).toEqual([mine, mine])
  })
})
