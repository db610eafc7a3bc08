import type { Endpoint } from '@steadfast/core'
import { ChainMismatchError } from './transport-errors.js'

/** What the guard needs from its owner. */
export interface ChainGuardDeps {
  /** The chain every replica must serve; undefined: the majority answer of the replicas. */
  expected: bigint | undefined
  endpoints: readonly Endpoint[]
  /** Asks one replica for its eth_chainId. */
  fetchChainId(endpoint: Endpoint, signal: AbortSignal): Promise<bigint>
  /** Called once per detected mismatch (the owner quarantines and emits an error event). */
  onMismatch(endpoint: Endpoint, error: ChainMismatchError): void
  /** How long the majority vote waits for answers, in ms. */
  voteTimeoutMs: number
}

/**
 * Checks every replica's chainId before the first call it serves, so a wrong-chain replica,
 * even first in the list, answers nothing. Results are cached per replica; `forget` drops the
 * cache (e.g. when the replica went down and may come back as something else).
 */
export class ChainGuard {
  readonly #deps: ChainGuardDeps
  #expected: Promise<bigint> | undefined
  readonly #checks = new Map<string, Promise<void>>()
  readonly #wrong = new Set<string>()

  constructor(deps: ChainGuardDeps) {
    this.#deps = deps
    if (deps.expected !== undefined) this.#expected = Promise.resolve(deps.expected)
  }

  /** The expected chainId (voted by the replicas when not configured). */
  expected(signal: AbortSignal): Promise<bigint> {
    if (this.#expected === undefined) {
      const vote = this.#vote(signal)
      this.#expected = vote
      vote.catch(() => {
        if (this.#expected === vote) this.#expected = undefined
      })
    }
    return this.#expected
  }

  /** Resolves when `endpoint` serves the expected chain; rejects with ChainMismatchError if not. */
  verify(endpoint: Endpoint, signal: AbortSignal): Promise<void> {
    let check = this.#checks.get(endpoint.id)
    if (check === undefined) {
      check = this.#check(endpoint, signal)
      this.#checks.set(endpoint.id, check)
      check.catch((error: unknown) => {
        // A transport failure is not a verdict: check again next time.
        if (!(error instanceof ChainMismatchError)) this.#checks.delete(endpoint.id)
      })
    }
    return check
  }

  /** Records a chainId seen by a probe; returns the mismatch error if it is the wrong chain. */
  async observe(
    endpoint: Endpoint,
    actual: bigint,
    signal: AbortSignal,
  ): Promise<ChainMismatchError | undefined> {
    const expected = await this.expected(signal)
    if (actual === expected) {
      this.#wrong.delete(endpoint.id)
      this.#checks.set(endpoint.id, Promise.resolve())
      return undefined
    }
    return this.#mismatch(endpoint, expected, actual)
  }

  /** Drops the cached verdict of `id` unless it is a wrong chain (only a clean probe clears that). */
  forget(id: string): void {
    if (!this.#wrong.has(id)) this.#checks.delete(id)
  }

  async #check(endpoint: Endpoint, signal: AbortSignal): Promise<void> {
    const [expected, actual] = await Promise.all([
      this.expected(signal),
      this.#deps.fetchChainId(endpoint, signal),
    ])
    if (actual !== expected) throw this.#mismatch(endpoint, expected, actual)
  }

  #mismatch(endpoint: Endpoint, expected: bigint, actual: bigint): ChainMismatchError {
    const error = new ChainMismatchError(expected, actual, { endpoint: endpoint.redactedUrl })
    const verdict = Promise.reject(error)
    verdict.catch(() => {})
    this.#checks.set(endpoint.id, verdict)
    if (!this.#wrong.has(endpoint.id)) {
      this.#wrong.add(endpoint.id)
      this.#deps.onMismatch(endpoint, error)
    }
    return error
  }

  async #vote(signal: AbortSignal): Promise<bigint> {
    const timeout = AbortSignal.timeout(this.#deps.voteTimeoutMs)
    const both = AbortSignal.any([signal, timeout])
    const answers = await Promise.allSettled(
      this.#deps.endpoints.map((e) => this.#deps.fetchChainId(e, both)),
    )
    const counts = new Map<bigint, number>()
    for (const a of answers)
      if (a.status === 'fulfilled') counts.set(a.value, (counts.get(a.value) ?? 0) + 1)
    let best: bigint | undefined
    for (const a of answers) {
      // Ties go to the answer of the earliest replica in the list.
      if (a.status !== 'fulfilled') continue
      if (best === undefined || (counts.get(a.value) ?? 0) > (counts.get(best) ?? 0)) best = a.value
    }
    if (best === undefined) {
      const first = answers.find((a) => a.status === 'rejected')
      throw first?.status === 'rejected' ? first.reason : new Error('no chainId answer')
    }
    return best
  }
}
