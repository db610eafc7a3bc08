import { describe, expect, it } from 'vitest'
import {
  AbortedError,
  AttemptTimeoutError,
  DeadlineExceededError,
  NoEndpointAvailableError,
} from './call-errors.js'
import { ConfigError } from './config-error.js'
import { EndpointsExhaustedError } from './endpoints-exhausted-error.js'
import { SteadfastError } from './steadfast-error.js'

describe('errors', () => {
  it('behavior: stable codes and names on every class', () => {
    const list: [SteadfastError, string, string][] = [
      [new ConfigError('x', 1, 'is bad'), 'INVALID_CONFIG', 'ConfigError'],
      [new EndpointsExhaustedError([]), 'ENDPOINTS_EXHAUSTED', 'EndpointsExhaustedError'],
      [new NoEndpointAvailableError(), 'NO_ENDPOINT_AVAILABLE', 'NoEndpointAvailableError'],
      [new DeadlineExceededError(5), 'DEADLINE_EXCEEDED', 'DeadlineExceededError'],
      [new AbortedError(), 'ABORTED', 'AbortedError'],
      [new AttemptTimeoutError(5), 'ATTEMPT_TIMEOUT', 'AttemptTimeoutError'],
    ]
    for (const [e, code, name] of list) {
      expect(e).toBeInstanceOf(SteadfastError)
      expect(e.code).toBe(code)
      expect(e.name).toBe(name)
    }
  })

  it('behavior: the message is a one-liner with endpoint and details', () => {
    const e = new SteadfastError('X', 'first\n  second', {
      endpoint: 'http://a:1',
      details: 'more\nstuff',
    })
    expect(e.message).toBe('first second | endpoint: http://a:1 | more stuff')
    expect(e.shortMessage).toBe('first second')
    expect(Object.keys(new SteadfastError('X', 'm'))).not.toContain('endpoint')
  })

  it('behavior: walk() returns the deepest cause, or the first match', () => {
    const root = new Error('ECONNREFUSED')
    const mid = new AttemptTimeoutError(10, { cause: root })
    const top = new EndpointsExhaustedError([{ id: 'a', endpoint: 'http://a', error: mid }])
    expect(top.cause).toBe(mid)
    expect(top.walk()).toBe(root)
    expect(top.walk((e) => e instanceof AttemptTimeoutError)).toBe(mid)
    expect(top.walk(() => false)).toBeNull()
  })

  it('behavior: EndpointsExhaustedError never repeats a secret of the endpoint urls', () => {
    const url = 'https://u:s3cretpass@x.test/v3/0123456789abcdef0123456789abcdef'
    const e = new EndpointsExhaustedError(
      [
        {
          id: 'x.test:443/v3/***',
          endpoint: 'https://***@x.test/v3/***',
          error: new Error(`403 from ${url}`),
        },
      ],
      { urls: [url] },
    )
    expect(e.message).not.toMatch(/s3cretpass|0123456789abcdef/)
    expect(e.message).toContain('All 1 attempt failed across 1 endpoint')
  })
})
