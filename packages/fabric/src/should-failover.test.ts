import { Metadata, status } from '@grpc/grpc-js'
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway'
import type { Endpoint } from '@steadfast/core'
import { describe, expect, it } from 'vitest'
import { CALLER_ABORT_DETAILS, isDuplicateTransaction, shouldFailover } from './should-failover.js'

const endpoint = { id: 'p0', url: 'grpcs://127.0.0.1:7051' } as Endpoint

function gatewayError(
  code: number,
  details: string,
  Kind: typeof GatewayError | typeof EndorseError = GatewayError,
): GatewayError {
  const cause = Object.assign(new Error(`${code} ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  })
  const properties = { code, details: [], cause, message: cause.message, transactionId: 'tx1' }
  return Kind === EndorseError ? new EndorseError(properties) : new GatewayError(properties)
}

const kind = (error: unknown, operation: 'evaluate' | 'endorse' | 'submit' = 'evaluate') =>
  shouldFailover(error, { endpoint, attempt: 1, operation })

describe('shouldFailover', () => {
  it('behavior: moves on for UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED', () => {
    expect(kind(gatewayError(status.UNAVAILABLE, 'Connection dropped'))).toBe('retryable')
    expect(kind(gatewayError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'))).toBe('retryable')
    expect(kind(gatewayError(status.RESOURCE_EXHAUSTED, 'too many requests'))).toBe('retryable')
  })

  it('behavior: a refused connection is unsent (the request never left)', () => {
    const refused = gatewayError(status.UNAVAILABLE, 'No connection established. ECONNREFUSED')
    expect(kind(refused, 'submit')).toBe('unsent')
  })

  it('behavior: a CANCELLED from a dropped connection moves on, one the caller asked for stops', () => {
    expect(kind(gatewayError(status.CANCELLED, 'Received RST_STREAM with code 8'))).toBe(
      'retryable',
    )
    expect(kind(gatewayError(status.CANCELLED, CALLER_ABORT_DETAILS))).toBe('fatal')
  })

  it('behavior: chaincode errors and endorsement failures are returned, never retried', () => {
    expect(kind(gatewayError(status.UNKNOWN, 'chaincode response 500, does not exist'))).toBe(
      'fatal',
    )
    const endorse = gatewayError(status.ABORTED, 'failed to endorse transaction', EndorseError)
    expect(kind(endorse, 'endorse')).toBe('fatal')
    expect(kind(gatewayError(status.FAILED_PRECONDITION, 'no combination of peers'))).toBe('fatal')
    expect(kind(gatewayError(status.PERMISSION_DENIED, 'access denied'))).toBe('fatal')
  })

  it('behavior: a CommitError (validation code, not a gRPC status) is fatal', () => {
    const invalid = new CommitError({ code: 11, transactionId: 'tx1', message: 'MVCC' })
    expect(kind(invalid, 'submit')).toBe('fatal')
    expect(kind(new Error('plain'))).toBe('fatal')
    expect(kind('not an error')).toBe('fatal')
  })

  it('args: recognises a re-sent transaction the ledger already has', () => {
    expect(isDuplicateTransaction(gatewayError(status.ABORTED, 'DUPLICATE_TXID'))).toBe(true)
    expect(isDuplicateTransaction(new Error('duplicate transaction found [tx1]'))).toBe(true)
    expect(isDuplicateTransaction(gatewayError(status.UNAVAILABLE, 'Connection dropped'))).toBe(
      false,
    )
  })
})
