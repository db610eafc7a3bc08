import { checkExecuteOptions } from './config/check-execute-options.js'
import type { ResolvedOptions } from './config/resolve-options.js'
import { diffMembership } from './discovery/membership.js'
import { NoEndpointAvailableError } from './errors/call-errors.js'
import { ConfigError } from './errors/config-error.js'
import { errorMessage, SteadfastError } from './errors/steadfast-error.js'
import { Emitter } from './events/emitter.js'
import { toEventError } from './events/event-error.js'
import { CallRun, type ExecuteHost, type Op, type Outcome } from './execute/execute.js'
import { LatencyWindow } from './execute/latency-window.js'
import { memberFilter } from './execute/member-filter.js'
import { applyProbe } from './health/apply-probe.js'
import type { Member } from './health/member.js'
import { PassiveHealth } from './health/passive-health.js'
import { ProbeLoop } from './health/probe-loop.js'
import { redactText } from './redact/redact-text.js'
import { Operator } from './state/operator.js'
import { Pool } from './state/pool.js'
import { isUsable } from './state/transition.js'
import { unrefTimeout } from './timers/timer-set.js'
import type { Endpoint, EndpointStatus, ExecuteOptions, SetEvents } from './types.js'

const NO_TRIED: ReadonlySet<string> = new Set()

/** The implementation behind createEndpointSet (see EndpointSet for the public contract). */
export class SetImpl implements ExecuteHost {
  readonly emitter = new Emitter<SetEvents>()
  readonly pool: Pool
  readonly operator: Operator
  private readonly passive: PassiveHealth
  private readonly probes: ProbeLoop | undefined
  private readonly latencies = new LatencyWindow()
  private readonly closing = new AbortController()
  private discoveryTimer: ReturnType<typeof setTimeout> | undefined
  private nextIndex: number
  private readonly runs = new Set<CallRun<unknown>>()
  private started = false
  private closed = false

  constructor(readonly opts: ResolvedOptions) {
    this.pool = new Pool(opts, this.emitter)
    this.pool.add(opts.endpoints)
    this.nextIndex = opts.endpoints.length
    this.passive = new PassiveHealth(this.pool, opts)
    this.operator = new Operator(this.pool, this.emitter, opts)
    if (opts.probe) {
      this.probes = new ProbeLoop(
        opts.probe,
        opts,
        (m, o) => applyProbe(this.pool, this.emitter, opts, m, o),
        (m) => this.pool.members.get(m.endpoint.id) === m,
      )
    }
  }

  get endpoints(): readonly Endpoint[] {
    return this.pool.endpoints
  }

  size(): number {
    return this.pool.list.length
  }

  start(): void {
    if (this.started || this.closed) return
    this.started = true
    for (const m of this.pool.list) this.probes?.start(m)
    if (this.opts.discovery) void this.refresh()
  }

  execute<T>(op: Op<T>, options?: ExecuteOptions): Promise<T> {
    if (this.closed) return Promise.reject(new SteadfastError('CLOSED', 'Endpoint set is closed'))
    let o: ExecuteOptions
    try {
      o = checkExecuteOptions(options)
    } catch (e) {
      return Promise.reject(e)
    }
    if (typeof op !== 'function')
      return Promise.reject(new ConfigError('execute.op', op, 'must be a function'))
    this.start()
    const run = new CallRun(this, op, o)
    this.runs.add(run as CallRun<unknown>)
    return run.run().finally(() => this.runs.delete(run as CallRun<unknown>))
  }

  pick(options?: ExecuteOptions): Endpoint | undefined {
    if (options === undefined) return (this.operator.preferred() ?? this.pool.pick())?.endpoint
    return this.pickNext(checkExecuteOptions(options), NO_TRIED)?.endpoint
  }

  pickNext(o: ExecuteOptions, tried: ReadonlySet<string>): Member | undefined {
    if (o.only !== undefined) {
      const m = this.pool.members.get(o.only)
      return m && !tried.has(o.only) && m.state !== 'quarantined' ? m : undefined
    }
    const accept = memberFilter(o, tried, this.pool.bestHeight, this.opts.maxLag)
    if (o.affinity !== undefined && !tried.has(o.affinity)) {
      const m = this.pool.members.get(o.affinity)
      if (m && isUsable(m.state) && accept(m)) return m
    }
    const p = this.operator.preferred()
    if (p && accept(p)) return p
    return this.pool.pick(accept)
  }

  current(): Endpoint | undefined {
    return (this.operator.preferred() ?? this.pool.current())?.endpoint
  }

  noEndpoint(o: ExecuteOptions): Error {
    if (o.only !== undefined) {
      return new NoEndpointAvailableError(
        `Endpoint ${o.only} is not available in set ${this.opts.name}`,
      )
    }
    const n = this.pool.list.length
    return new NoEndpointAvailableError(
      n === 0
        ? `Endpoint set ${this.opts.name} has no endpoints`
        : `No endpoint of set ${this.opts.name} can serve this call (${n} cordoned, quarantined or filtered out)`,
    )
  }

  hedgeDelay(): number {
    const d = this.opts.hedge?.delayMs ?? 'adaptive'
    if (d !== 'adaptive') return d
    // Adaptive: the p90 of recent successful calls; until enough samples, a conservative 200 ms.
    return Math.max(1, this.latencies.p90() ?? 200)
  }

  onAttempt(
    m: Member,
    outcome: Outcome,
    ms: number,
    attempt: number,
    hedged: boolean,
    e?: unknown,
  ) {
    if (outcome === 'success' || outcome === 'fatal') {
      // A fatal error is an answer from the application: the endpoint itself is fine.
      this.passive.success(m, { latencyMs: ms })
      this.latencies.add(ms)
    } else if (outcome === 'failure') this.passive.failure(m, e)
    if (!this.emitter.has('attempt')) return
    const ep = m.endpoint
    this.emitter.emit('attempt', {
      set: this.opts.name,
      endpoint: ep.id,
      url: ep.redactedUrl,
      attempt,
      outcome,
      durationMs: ms,
      hedged,
      ...(e === undefined ? {} : { error: toEventError(e, ep) }),
    })
  }

  onFailover(from: Member, to: Member, error: unknown): void {
    const reason = redactText(errorMessage(error), [from.endpoint.url])
    this.emitter.emit('failover', {
      set: this.opts.name,
      from: from.endpoint.id,
      to: to.endpoint.id,
      reason,
    })
  }

  onHedge(m: Member, delayMs: number): void {
    this.emitter.emit('hedge', { set: this.opts.name, endpoint: m.endpoint.id, delayMs })
  }

  status(): EndpointStatus[] {
    const best = this.pool.bestHeight
    return this.pool.list.map((m) => ({
      id: m.endpoint.id,
      url: m.endpoint.redactedUrl,
      state: m.state,
      since: m.since,
      latencyMs: m.latencyMs,
      height: m.height,
      lag: best === undefined || m.height === undefined ? undefined : best - m.height,
      inFlight: m.inFlight,
      lastError: m.lastError,
      reason: m.reason,
      labels: m.endpoint.labels,
    }))
  }

  get ready(): boolean {
    return this.pool.list.some((m) => isUsable(m.state))
  }

  reportSuccess(id: string, info?: { latencyMs?: number; height?: number }): void {
    const m = this.pool.members.get(id)
    if (m) this.passive.success(m, info)
  }

  reportFailure(id: string, error: unknown): void {
    const m = this.pool.members.get(id)
    if (m) this.passive.failure(m, error)
  }

  private async refresh(): Promise<void> {
    const d = this.opts.discovery
    if (!d || this.closed) return
    try {
      this.applyMembership(await d.resolve(this.closing.signal))
    } catch {
      // DNS hiccup: keep the current members, try again next period.
    }
    if (this.closed || d.intervalMs === undefined) return
    this.discoveryTimer = unrefTimeout(() => void this.refresh(), d.intervalMs)
  }

  private applyMembership(inputs: readonly unknown[]): void {
    if (this.closed) return
    const current = new Set(this.pool.members.keys())
    const diff = diffMembership(current, inputs as never, this.nextIndex)
    if (diff.seen === 0 || (diff.added.length === 0 && diff.removed.length === 0)) return
    this.nextIndex += diff.added.length
    for (const id of diff.removed) this.probes?.forget(id)
    this.pool.remove(diff.removed)
    this.pool.add(diff.added)
    for (const e of diff.added) this.probes?.start(this.pool.members.get(e.id)!)
    this.emitter.emit('membership', {
      set: this.opts.name,
      added: diff.added.map((e) => e.id),
      removed: diff.removed,
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const closedError = new SteadfastError('CLOSED', 'Endpoint set closed')
    this.closing.abort(closedError)
    for (const run of this.runs) run.cancel(closedError)
    if (this.discoveryTimer) clearTimeout(this.discoveryTimer)
    this.probes?.stop()
    this.operator.close()
    this.pool.close()
    this.emitter.clear()
  }
}
