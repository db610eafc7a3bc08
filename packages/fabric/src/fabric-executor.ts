import type { CallOptions } from '@grpc/grpc-js'
import type { ConnectOptions } from '@hyperledger/fabric-gateway'
import type { EndpointSet } from '@steadfast/core'
import { attemptCallOptions } from './call-options.js'
import { markFailure } from './classify-failure.js'
import type { ConnectionPool } from './connection-pool.js'
import type { FabricDeadlines } from './failover-options.js'
import { linkedSignal } from './linked-signal.js'
import type { PeerConnection } from './peer-connection.js'
import type { FabricOperation, FabricShouldFailover } from './should-failover.js'

/** Per-call options our API adds to fabric-gateway's `CallOptions`. */
export interface FailoverCallOptions extends CallOptions {
  /** Cancels the call (every attempt). */
  signal?: AbortSignal
}

type UnaryOperation = Exclude<FabricOperation, 'events' | 'probe'>

/** One attempt of a unary call on one peer's connection. */
export type AttemptFn<T> = (
  conn: PeerConnection,
  options: CallOptions,
  attempt: number,
) => Promise<T>

export interface FabricExecutorOptions {
  set: EndpointSet
  pool: ConnectionPool
  deadlines: Required<FabricDeadlines>
  shouldFailover: FabricShouldFailover
  defaults: Pick<
    ConnectOptions,
    'evaluateOptions' | 'endorseOptions' | 'submitOptions' | 'commitStatusOptions'
  >
  peerCount: number
}

const DEFAULTS_KEY = {
  evaluate: 'evaluateOptions',
  endorse: 'endorseOptions',
  submit: 'submitOptions',
  commitStatus: 'commitStatusOptions',
} as const

const DEADLINE_KEY = {
  evaluate: 'evaluateMs',
  endorse: 'endorseMs',
  submit: 'submitMs',
  commitStatus: 'commitStatusMs',
} as const

/**
 * Runs a unary Fabric call through the endpoint set: each attempt on the picked peer's current
 * connection, with that operation's deadline, the caller's signal and the Fabric failover rule.
 */
export class FabricExecutor {
  readonly #o: FabricExecutorOptions

  constructor(options: FabricExecutorOptions) {
    this.#o = options
  }

  run<T>(
    operation: UnaryOperation,
    fn: AttemptFn<T>,
    perCall: FailoverCallOptions | undefined,
  ): Promise<T> {
    const { signal, ...callOptions } = perCall ?? {}
    const deadlineMs = this.#o.deadlines[DEADLINE_KEY[operation]]
    const defaults = this.#o.defaults[DEFAULTS_KEY[operation]]
    return this.#o.set.execute(
      async (endpoint, ctx) => {
        const conn = this.#o.pool.get(endpoint)
        const release = conn.track()
        const linked = linkedSignal([ctx.signal, conn.drainSignal, signal])
        const options = attemptCallOptions(deadlineMs, linked.signal, defaults, callOptions)
        try {
          return await fn(conn, options, ctx.attempt)
        } catch (error) {
          markFailure(
            error,
            this.#classify(error, operation, signal, ctx.signal, conn, ctx.attempt),
          )
          throw error
        } finally {
          linked.dispose()
          release()
        }
      },
      {
        idempotent: true,
        // The gRPC deadline ends a hung attempt; the set's timer is the backstop.
        attemptTimeoutMs: deadlineMs + 1_000,
        deadlineMs: (deadlineMs + 1_000) * Math.max(2, this.#o.peerCount) + 1_000,
        maxAttempts: this.#o.peerCount + 1,
        hedge: operation === 'commitStatus',
        // No `fresh` filter: a lagging peer probes degraded instead, so it serves only when no
        // healthy peer can (a height filter would fail the call outright).
        ...(signal ? { signal } : {}),
      },
    )
  }

  #classify(
    error: unknown,
    operation: UnaryOperation,
    callerSignal: AbortSignal | undefined,
    attemptSignal: AbortSignal,
    conn: PeerConnection,
    attempt: number,
  ) {
    if (callerSignal?.aborted) return 'fatal' as const
    // Cancelled by the set (attempt timeout, lost hedge) or by a drain: the peer, not the call.
    if (attemptSignal.aborted || conn.drainSignal.aborted) return 'retryable' as const
    return this.#o.shouldFailover(error, { endpoint: conn.endpoint, attempt, operation })
  }
}
