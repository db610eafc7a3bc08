import type { ResolvedOptions } from '../config/resolve-options.js'
import { AbortedError, AttemptTimeoutError, DeadlineExceededError } from '../errors/call-errors.js'
import { type AttemptRecord, EndpointsExhaustedError } from '../errors/endpoints-exhausted-error.js'
import type { Member } from '../health/member.js'
import { type Timer, TimerSet, unrefTimeout } from '../timers/timer-set.js'
import type { AttemptContext, Endpoint, ExecuteOptions, FailureKind } from '../types.js'
import { backoffDelay } from './backoff.js'

export type Outcome = 'success' | 'failure' | 'fatal' | 'aborted'

/** What execute needs from the set. */
export interface ExecuteHost {
  readonly opts: ResolvedOptions
  size(): number
  /** Next member to try, skipping `tried`; undefined when none is left this round. */
  pickNext(o: ExecuteOptions, tried: ReadonlySet<string>): Member | undefined
  /** Delay before hedging, in ms. */
  hedgeDelay(): number
  onAttempt(
    m: Member,
    outcome: Outcome,
    ms: number,
    attempt: number,
    hedged: boolean,
    e?: unknown,
  ): void
  onFailover(from: Member, to: Member, error: unknown): void
  onHedge(m: Member, delayMs: number): void
  /** Fails with NoEndpointAvailableError when nothing at all can serve. */
  noEndpoint(o: ExecuteOptions): Error
}

export type Op<T> = (endpoint: Endpoint, ctx: AttemptContext) => Promise<T>

/** Default attempt budget: two rounds over the set, at most 10. */
export function defaultMaxAttempts(size: number): number {
  return Math.min(Math.max(2 * size, 2), 10)
}

interface Running {
  m: Member
  ac: AbortController
}

/** One call of `execute()`: attempts, hedges, backoff between rounds, one deadline. */
export class CallRun<T> {
  private readonly attempts: AttemptRecord[] = []
  private readonly urls: string[] = []
  private readonly tried = new Set<string>()
  private readonly running = new Set<Running>()
  private readonly timers = new TimerSet()
  private attemptNo = 0
  private round = 0
  private done = false
  private last: { m: Member; error: unknown } | undefined
  private resolve!: (v: T) => void
  private reject!: (e: unknown) => void
  private readonly idempotent: boolean
  private readonly maxAttempts: number
  private readonly deadlineMs: number
  private readonly hedgeMax: number
  private readonly onAbort = () =>
    this.finishError(new AbortedError({ cause: this.o.signal?.reason }))

  constructor(
    private readonly host: ExecuteHost,
    private readonly op: Op<T>,
    private readonly o: ExecuteOptions,
  ) {
    const opts = host.opts
    this.idempotent = o.idempotent ?? true
    this.maxAttempts = o.maxAttempts ?? opts.maxAttempts ?? defaultMaxAttempts(host.size())
    this.deadlineMs = o.deadlineMs ?? opts.deadlineMs
    const hedge = this.idempotent && (o.hedge ?? opts.hedge !== undefined)
    this.hedgeMax = hedge ? (opts.hedge?.max ?? 2) : 1
  }

  run(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
      if (this.o.signal?.aborted) return this.onAbort()
      this.o.signal?.addEventListener('abort', this.onAbort, { once: true })
      this.timers.after(this.deadlineMs, () => {
        const cause = this.attempts.length > 0 ? this.exhausted() : undefined
        this.finishError(new DeadlineExceededError(this.deadlineMs, cause ? { cause } : {}))
      })
      this.launch()
    })
  }

  private exhausted(reason?: string): EndpointsExhaustedError {
    const urls = this.urls
    return new EndpointsExhaustedError(
      this.attempts,
      reason === undefined ? { urls } : { urls, reason },
    )
  }

  /** Starts the next attempt, or ends the round (backoff) / the call when nothing is left. */
  private launch(): void {
    if (this.done) return
    if (this.attemptNo >= this.maxAttempts) {
      if (this.running.size === 0) this.finishError(this.exhausted())
      return
    }
    const m = this.host.pickNext(this.o, this.tried)
    if (!m) {
      if (this.running.size > 0) return
      if (this.tried.size === 0) {
        this.finishError(this.host.noEndpoint(this.o))
        return
      }
      this.nextRound()
      return
    }
    this.tried.add(m.endpoint.id)
    if (this.last && this.last.m !== m) this.host.onFailover(this.last.m, m, this.last.error)
    this.start(m, ++this.attemptNo, false)
  }

  private nextRound(): void {
    const delay = backoffDelay(this.round++, this.host.opts.backoff, this.host.opts.random)
    this.timers.after(delay, () => {
      this.tried.clear()
      this.launch()
    })
  }

  private start(m: Member, attempt: number, hedged: boolean): void {
    const ac = new AbortController()
    const r: Running = { m, ac }
    this.running.add(r)
    const timeoutMs =
      this.o.attemptTimeoutMs ?? m.endpoint.timeoutMs ?? this.host.opts.attemptTimeoutMs
    const timer = unrefTimeout(
      () => ac.abort(new AttemptTimeoutError(timeoutMs, { endpoint: m.endpoint.redactedUrl })),
      timeoutMs,
    )
    const started = this.host.opts.now()
    m.inFlight++
    const aborted = new Promise<never>((_, reject) => {
      ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true })
    })
    const call = Promise.resolve().then(() =>
      this.op(m.endpoint, { signal: ac.signal, attempt, hedged }),
    )
    Promise.race([call, aborted]).then(
      (value) => this.settled(r, timer, started, attempt, hedged, { value }),
      (error) => this.settled(r, timer, started, attempt, hedged, { error }),
    )
    call.catch(() => {}) // the op may reject after losing the race: never unhandled
    if (this.hedgeMax > 1 && this.running.size < this.hedgeMax) this.scheduleHedge()
  }

  private scheduleHedge(): void {
    const delay = this.host.hedgeDelay()
    this.timers.after(delay, () => {
      if (this.done || this.running.size === 0 || this.running.size >= this.hedgeMax) return
      if (this.attemptNo >= this.maxAttempts) return
      const m = this.host.pickNext(this.o, this.tried)
      if (!m) return
      this.host.onHedge(m, delay)
      this.tried.add(m.endpoint.id)
      this.start(m, ++this.attemptNo, true)
    })
  }

  private settled(
    r: Running,
    timer: Timer,
    started: number,
    attempt: number,
    hedged: boolean,
    res: { value: T } | { error: unknown },
  ): void {
    clearTimeout(timer)
    this.running.delete(r)
    r.m.inFlight--
    const ms = this.host.opts.now() - started
    if ('value' in res) {
      this.host.onAttempt(r.m, 'success', ms, attempt, hedged)
      this.finish(() => this.resolve(res.value))
      return
    }
    const error = res.error
    if (this.done) {
      this.host.onAttempt(r.m, 'aborted', ms, attempt, hedged, error)
      return
    }
    const kind = this.classify(error, r.m, attempt)
    if (kind === 'fatal') {
      this.host.onAttempt(r.m, 'fatal', ms, attempt, hedged, error)
      this.finish(() => this.reject(error))
      return
    }
    this.host.onAttempt(r.m, 'failure', ms, attempt, hedged, error)
    this.attempts.push({ endpoint: r.m.endpoint.redactedUrl, id: r.m.endpoint.id, error })
    this.urls.push(r.m.endpoint.url)
    this.last = { m: r.m, error }
    if (kind === 'retryable' && !this.idempotent) {
      const reason = 'Non-idempotent call failed after it may have reached the server; not retried'
      this.finishError(this.exhausted(reason))
      return
    }
    if (this.running.size < this.hedgeMax) this.launch()
  }

  private classify(error: unknown, m: Member, attempt: number): FailureKind {
    if (error instanceof AttemptTimeoutError) return 'retryable'
    try {
      return this.host.opts.shouldFailover(error, { endpoint: m.endpoint, attempt })
    } catch {
      return 'retryable'
    }
  }

  /** Ends the call now with `error` (the set is closing), aborting every running attempt. */
  cancel(error: unknown): void {
    this.finishError(error)
  }

  private finishError(error: unknown): void {
    this.finish(() => this.reject(error))
  }

  private finish(settle: () => void): void {
    if (this.done) return
    this.done = true
    this.timers.clear()
    this.o.signal?.removeEventListener('abort', this.onAbort)
    for (const r of this.running)
      r.ac.abort(new AbortedError({ details: 'another attempt finished first' }))
    settle()
  }
}
