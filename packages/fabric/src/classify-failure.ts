import type { FailureKind } from '@steadfast/core'

// The endpoint set asks "fail over?" with the error alone; the Fabric rule also needs the
// operation. The attempt classifies its own error and leaves the answer here for the set.
const kinds = new WeakMap<object, FailureKind>()

/** Records how the set should treat `error` (the error itself is rethrown unchanged). */
export function markFailure(error: unknown, kind: FailureKind): void {
  if (typeof error === 'object' && error !== null) kinds.set(error, kind)
}

/** The set-level `shouldFailover`: what the attempt decided, else move on (set-made errors). */
export function classifiedFailure(error: unknown): FailureKind {
  if (typeof error === 'object' && error !== null) return kinds.get(error) ?? 'retryable'
  return 'fatal'
}
