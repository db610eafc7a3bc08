import { type CallOptions, InterceptingCall, type Interceptor, status } from '@grpc/grpc-js'
import { CALLER_ABORT_DETAILS } from './should-failover.js'

/** Detail text of a call cancelled because its connection was drained away (fails over). */
export const DRAINED_DETAILS = 'steadfast: connection drained'

/** Reason to abort a call with when its connection is retired after the drain timeout. */
export class DrainedReason {
  readonly details = DRAINED_DETAILS
}

/**
 * A grpc-js interceptor that cancels the call when `signal` aborts. fabric-gateway's calls take
 * no AbortSignal; an interceptor is the one hook grpc-js offers into a call made by a library.
 */
export function abortInterceptor(signal: AbortSignal): Interceptor {
  return (options, nextCall) => {
    const call = new InterceptingCall(nextCall(options))
    const cancel = (): void => {
      const details =
        signal.reason instanceof DrainedReason ? DRAINED_DETAILS : CALLER_ABORT_DETAILS
      call.cancelWithStatus(status.CANCELLED, details)
    }
    if (signal.aborted) queueMicrotask(cancel)
    else signal.addEventListener('abort', cancel, { once: true })
    return call
  }
}

/**
 * The call options of one attempt: the user's connect-level defaults, then the per-call options,
 * then our deadline (unless one was given; streams have none) and abort interceptor (added to theirs).
 */
export function attemptCallOptions(
  deadlineMs: number | undefined,
  signal: AbortSignal,
  defaults: (() => CallOptions) | undefined,
  perCall: Readonly<CallOptions> | undefined,
): CallOptions {
  const base = defaults?.() ?? {}
  const merged: CallOptions = { ...base, ...perCall }
  const deadline =
    perCall?.deadline ??
    base.deadline ??
    (deadlineMs === undefined ? undefined : Date.now() + deadlineMs)
  if (deadline !== undefined) merged.deadline = deadline
  merged.interceptors = [
    ...(base.interceptors ?? []),
    ...(perCall?.interceptors ?? []),
    abortInterceptor(signal),
  ]
  return merged
}
