import { status as grpcStatus } from '@grpc/grpc-js'
import type { Endpoint, FailureKind } from '@steadfast/core'

/** The Fabric Gateway operation an attempt belongs to. */
export type FabricOperation =
  | 'evaluate'
  | 'endorse'
  | 'submit'
  | 'commitStatus'
  | 'events'
  | 'probe'

/** What `shouldFailover` is told about the failed attempt. */
export interface FabricFailoverContext {
  endpoint: Endpoint
  attempt: number
  operation: FabricOperation
}

/** Decides, per failed attempt, whether the call moves to another peer. Replaceable. */
export type FabricShouldFailover = (error: unknown, ctx: FabricFailoverContext) => FailureKind

/** Detail text our own abort interceptor puts on a call the application cancelled. */
export const CALLER_ABORT_DETAILS = 'steadfast: aborted by caller'

/** gRPC codes that say "this peer could not serve the call", never "the call is wrong". */
const TRANSPORT_CODES: ReadonlySet<number> = new Set([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.RESOURCE_EXHAUSTED,
])

/** Messages gRPC gives when the connection was never established (the request never left). */
const UNSENT_PATTERN = /ECONNREFUSED|No connection established|ENOTFOUND|EAI_AGAIN|handshake/i

/**
 * The default failover rule for Fabric Gateway calls (see the failover table in the README).
 *
 * - UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and a CANCELLED that the application did
 *   not ask for (a dropped connection, a reset stream, a drained connection) move on.
 * - Everything else — a chaincode error, an endorsement policy failure, a MVCC conflict, an
 *   invalid argument — is an answer from Fabric: returned as is, never retried.
 *
 * Evaluate and endorse are safe to repeat (nothing is on the ledger yet). Submit is safe too
 * because the same signed transaction is re-sent: Fabric commits a transaction id at most once.
 */
export const shouldFailover: FabricShouldFailover = (error) => {
  const code = grpcCode(error)
  if (code === undefined) return 'fatal'
  if (code === grpcStatus.CANCELLED) {
    return grpcDetails(error) === CALLER_ABORT_DETAILS ? 'fatal' : 'retryable'
  }
  if (!TRANSPORT_CODES.has(code)) return 'fatal'
  if (code === grpcStatus.UNAVAILABLE && UNSENT_PATTERN.test(grpcDetails(error) ?? '')) {
    return 'unsent'
  }
  return 'retryable'
}

/** The gRPC status code of a fabric-gateway error (or a raw grpc-js ServiceError). */
export function grpcCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as { code?: unknown }).code
  // CommitError also has a numeric `code` (a TxValidationCode): it is not a gRPC status.
  if ((error as { name?: unknown }).name === 'CommitError') return undefined
  return typeof code === 'number' ? code : undefined
}

function grpcDetails(error: unknown): string | undefined {
  const cause = (error as { cause?: { details?: unknown } }).cause
  if (typeof cause?.details === 'string') return cause.details
  const message = (error as { message?: unknown }).message
  return typeof message === 'string' ? message : undefined
}

/**
 * Whether a re-sent transaction was refused because the ledger already has its id: the first
 * attempt reached the orderer after all. Counted as accepted; `getStatus()` then confirms it.
 */
export function isDuplicateTransaction(error: unknown): boolean {
  const text = `${(error as { message?: unknown })?.message ?? ''} ${grpcDetails(error) ?? ''}`
  return /DUPLICATE_TXID|duplicate transaction|already (been )?committed|already exists in ledger/i.test(
    text,
  )
}
