import type { Endpoint } from '@steadfast/core'
import { describe, expect, it } from 'vitest'
import { shouldFailover } from './should-failover.js'
import {
  ChainMismatchError,
  HttpStatusError,
  InvalidResponseError,
  ReplicaBehindError,
  RpcErrorResponse,
  TransportError,
} from './transport-errors.js'

const ctx = { endpoint: { id: 'a' } as Endpoint, attempt: 1 }

describe('shouldFailover', () => {
  it.each([
    ['a refused connection', new TransportError('ECONNREFUSED', { sent: false }), 'unsent'],
    ['a wrong chain checked before sending', new ChainMismatchError(1n, 2n), 'unsent'],
    [
      "a replica lacking the sender's earlier transactions",
      new ReplicaBehindError('0xa', 5, 3),
      'unsent',
    ],
    ['a reset after sending', new TransportError('ECONNRESET', { sent: true }), 'retryable'],
    ['HTTP 500', new HttpStatusError(500, ''), 'retryable'],
    ['HTTP 429', new HttpStatusError(429, ''), 'retryable'],
    ['an HTML body', new InvalidResponseError('HTML instead of JSON'), 'retryable'],
    [
      'a revert',
      new RpcErrorResponse('eth_call', { code: 3, message: 'execution reverted' }),
      'fatal',
    ],
    [
      'insufficient funds',
      new RpcErrorResponse('eth_sendRawTransaction', {
        code: -32000,
        message: 'insufficient funds for gas',
      }),
      'fatal',
    ],
    [
      'a rate limit',
      new RpcErrorResponse('eth_call', { code: -32005, message: 'limit exceeded' }),
      'retryable',
    ],
    [
      'header not found (lagging)',
      new RpcErrorResponse('eth_call', { code: -32000, message: 'header not found' }),
      'retryable',
    ],
  ])('behavior: %s is %s', (_name, error, kind) => {
    expect(shouldFailover(error, ctx)).toBe(kind)
  })
})
