import { SteadfastError, type SteadfastErrorArgs } from './steadfast-error.js'

/** No endpoint could serve the call (empty set, every one cordoned/quarantined, filters too strict). */
export class NoEndpointAvailableError extends SteadfastError {
  constructor(shortMessage = 'No endpoint available', args?: SteadfastErrorArgs) {
    super('NO_ENDPOINT_AVAILABLE', shortMessage, args)
  }
}

/** The overall deadline of a call passed. `cause` carries the attempts so far, if any. */
export class DeadlineExceededError extends SteadfastError {
  constructor(deadlineMs: number, args?: SteadfastErrorArgs) {
    super('DEADLINE_EXCEEDED', `Deadline of ${deadlineMs} ms exceeded`, args)
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. */
export class AbortedError extends SteadfastError {
  constructor(args?: SteadfastErrorArgs) {
    super('ABORTED', 'Operation aborted', args)
  }
}

/** One attempt hung longer than its per-attempt timeout. */
export class AttemptTimeoutError extends SteadfastError {
  constructor(timeoutMs: number, args?: SteadfastErrorArgs) {
    super('ATTEMPT_TIMEOUT', `Attempt timed out after ${timeoutMs} ms`, args)
  }
}

/** Internal invariant broken (an invalid state transition). Never expected in production. */
export class InvalidTransitionError extends SteadfastError {
  constructor(from: string, to: string) {
    super('INVALID_TRANSITION', `Invalid endpoint state transition ${from} -> ${to}`)
  }
}
