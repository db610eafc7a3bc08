import { describe, expect, it } from 'vitest'
import { type JsonRpcPayload, matchResponses } from './json-rpc.js'
import { InvalidResponseError } from './transport-errors.js'

const p = (id: number, method = 'eth_blockNumber'): JsonRpcPayload => ({
  jsonrpc: '2.0',
  id,
  method,
  params: [],
})

describe('matchResponses', () => {
  it('behavior: returns one answer per payload in payload order, whatever the body order', () => {
    const body = [
      { jsonrpc: '2.0', id: 2, error: { code: 3, message: 'execution reverted' } },
      { jsonrpc: '2.0', id: 1, result: '0x1' },
    ]
    expect(matchResponses([p(1), p(2)], body, 'u')).toEqual([
      { id: 1, result: '0x1' },
      { id: 2, error: { code: 3, message: 'execution reverted' } },
    ])
  })

  it('behavior: accepts a single object for a single payload and a null result', () => {
    expect(matchResponses([p(7)], { jsonrpc: '2.0', id: 7, result: null }, 'u')).toEqual([
      { id: 7, result: null },
    ])
  })

  it.each([
    ['a wrong id', { jsonrpc: '2.0', id: 8, result: '0x1' }],
    ['neither result nor error', { jsonrpc: '2.0', id: 7 }],
    ['a string body', 'hello'],
    ['null', null],
    ['a batch missing one answer', [{ jsonrpc: '2.0', id: 7, result: '0x1' }]],
  ])('error: %s is an InvalidResponseError (a transport failure)', (_name, body) => {
    const payloads = Array.isArray(body) ? [p(7), p(9)] : [p(7)]
    expect(() => matchResponses(payloads, body, 'u')).toThrow(InvalidResponseError)
  })
})
