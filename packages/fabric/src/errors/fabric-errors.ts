import { SteadfastError } from '@steadfast/core'

/** The gateway (or its connection pool) was closed: code `CLOSED`. */
export class GatewayClosedError extends SteadfastError {
  constructor() {
    super('CLOSED', 'The failover gateway is closed')
  }
}

/** A peer ended an event stream without an error: code `STREAM_ENDED` (the stream moves on). */
export class StreamEndedError extends SteadfastError {
  constructor(endpoint: string) {
    super('STREAM_ENDED', 'The peer ended the event stream', { endpoint })
  }
}

/** Bytes given as a prepared transaction could not be parsed: code `INVALID_TRANSACTION`. */
export class InvalidTransactionError extends SteadfastError {
  constructor(problem: string) {
    super('INVALID_TRANSACTION', `Invalid prepared transaction: ${problem}`)
  }
}

/** The offline gateway was asked to make a call (a bug): code `OFFLINE_GATEWAY`. */
export class OfflineGatewayError extends SteadfastError {
  constructor() {
    super('OFFLINE_GATEWAY', 'The offline gateway builds and parses messages only')
  }
}
