import { SteadfastError, type SteadfastErrorArgs } from '@steadfast/core'

/**
 * The HTTP exchange with one replica failed. `sent` is false only when the request provably
 * never reached the server (connection refused, DNS failure): only then may a non-idempotent
 * call move to another replica.
 */
export class TransportError extends SteadfastError {
  readonly sent: boolean

  constructor(shortMessage: string, args: SteadfastErrorArgs & { sent: boolean }) {
    const { sent, ...rest } = args
    super('TRANSPORT_FAILED', shortMessage, rest)
    this.sent = sent
  }
}

/** A replica answered with a non-2xx HTTP status (500, 404, 429 …). */
export class HttpStatusError extends SteadfastError {
  readonly status: number

  constructor(status: number, body: string, args: SteadfastErrorArgs = {}) {
    super('HTTP_STATUS', `HTTP ${status}`, { ...args, details: body.slice(0, 120) })
    this.status = status
  }
}

/**
 * A replica answered 2xx with something that is not the JSON-RPC response expected: HTML, invalid
 * JSON, a wrong id, neither `result` nor `error`, or a body over the size limit.
 */
export class InvalidResponseError extends SteadfastError {
  constructor(shortMessage: string, args: SteadfastErrorArgs = {}) {
    super('INVALID_RESPONSE', shortMessage, args)
  }
}

/** A replica serves another chain than the expected one; it is quarantined and never used. */
export class ChainMismatchError extends SteadfastError {
  readonly expected: bigint
  readonly actual: bigint

  constructor(expected: bigint, actual: bigint, args: SteadfastErrorArgs = {}) {
    super('CHAIN_MISMATCH', `chainId ${actual} instead of ${expected}`, args)
    this.expected = expected
    this.actual = actual
  }
}

/**
 * A JSON-RPC error answer that the failover decision classified as a reason to move on
 * (rate limit, overload). Thrown only inside an attempt; ethers sees the original error object
 * if every replica answers with it.
 */
export class RpcErrorResponse extends SteadfastError {
  readonly rpcCode: number
  readonly method: string

  constructor(
    method: string,
    error: { code: number; message: string },
    args: SteadfastErrorArgs = {},
  ) {
    super('RPC_ERROR', `${method}: ${error.message}`, { ...args, details: `code ${error.code}` })
    this.rpcCode = error.code
    this.method = method
  }
}

/**
 * A replica lacks a sender's earlier transactions (its pending count is below the nonce of the
 * transaction to send) and they could neither arrive by propagation in time nor be re-sent from
 * what this provider holds. Thrown before sending, so the write moves to another replica.
 */
export class ReplicaBehindError extends SteadfastError {
  readonly sender: string
  readonly nonce: number
  readonly replicaCount: number

  constructor(sender: string, nonce: number, replicaCount: number, args: SteadfastErrorArgs = {}) {
    super(
      'REPLICA_BEHIND',
      `has ${replicaCount} transactions of ${sender}, nonce ${nonce} sent`,
      args,
    )
    this.sender = sender
    this.nonce = nonce
    this.replicaCount = replicaCount
  }
}
