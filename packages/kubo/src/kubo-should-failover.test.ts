import { describe, expect, it } from 'vitest'
import { kuboShouldFailover } from './kubo-should-failover.js'

/** Shaped like kubo-rpc-client's HTTPError: name, message, response. */
function httpError(status: number, contentType: string, message = ''): Error {
  const e = new Error(message)
  e.name = 'HTTPError'
  Object.assign(e, {
    response: new Response('', { status, headers: { 'content-type': contentType } }),
  })
  return e
}

function fetchFailed(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })
}

describe('kuboShouldFailover', () => {
  it('args: a refused connection or EPIPE never reached the node: unsent', () => {
    expect(kuboShouldFailover(fetchFailed('ECONNREFUSED'))).toBe('unsent')
    expect(kuboShouldFailover(fetchFailed('EPIPE'))).toBe('unsent')
    expect(kuboShouldFailover(fetchFailed('ENOTFOUND'))).toBe('unsent')
  })

  it('args: resets, closed sockets and timeouts may have been processed: retryable', () => {
    expect(kuboShouldFailover(fetchFailed('ECONNRESET'))).toBe('retryable')
    expect(kuboShouldFailover(fetchFailed('UND_ERR_SOCKET'))).toBe('retryable')
    const timeout = new Error('aborted')
    timeout.name = 'TimeoutError'
    expect(kuboShouldFailover(timeout)).toBe('retryable')
  })

  it('args: a bare 5xx from something in front of the node is retryable', () => {
    expect(kuboShouldFailover(httpError(500, 'text/plain'))).toBe('retryable')
    expect(kuboShouldFailover(httpError(502, 'text/html'))).toBe('retryable')
    expect(kuboShouldFailover(httpError(503, 'application/json', 'busy'))).toBe('retryable')
    expect(kuboShouldFailover(httpError(429, 'text/plain'))).toBe('retryable')
  })

  it("args: Kubo's own error answers are final, except node-local ones like a missing block", () => {
    expect(kuboShouldFailover(httpError(500, 'application/json', '/x does not exist'))).toBe(
      'fatal',
    )
    expect(kuboShouldFailover(httpError(500, 'application/json', 'invalid path "x"'))).toBe('fatal')
    expect(kuboShouldFailover(httpError(500, 'application/json', 'block not found'))).toBe(
      'retryable',
    )
    expect(kuboShouldFailover(httpError(404, 'text/plain', '404 page not found'))).toBe('fatal')
    expect(kuboShouldFailover(httpError(400, 'application/json', 'bad arg'))).toBe('fatal')
  })

  it('args: a 200 whose body is not JSON (HTML, garbage) is a broken node: retryable', () => {
    expect(kuboShouldFailover(new SyntaxError('Unexpected token < in JSON'))).toBe('retryable')
  })

  it('args: an unknown programming error is fatal', () => {
    expect(kuboShouldFailover(new RangeError('bad input'))).toBe('fatal')
  })
})
