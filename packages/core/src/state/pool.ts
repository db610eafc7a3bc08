import type { ResolvedOptions } from '../config/resolve-options.js'
import type { Emitter } from '../events/emitter.js'
import { Member } from '../health/member.js'
import type { Candidate, Picker, Tier } from '../policies/policy.js'
import { orderedPicker } from '../policies/policy.js'
import { unrefTimeout } from '../timers/timer-set.js'
import type { Endpoint, EndpointState, SetEvents } from '../types.js'
import { deriveState, isUsable, transition } from './transition.js'

const TIERS: readonly Tier[] = ['preferred', 'degraded', 'panic']

const TIER_OF_STATE: Readonly<Record<EndpointState, number>> = {
  unknown: 0,
  healthy: 0,
  degraded: 1,
  unhealthy: 2,
  ejected: 2,
  cordoned: -1,
  quarantined: -1,
}

/**
 * Only endpoints that can serve set the best height: a dead or hung node's last height is stale,
 * and after a reorg or a restart it would flag every live replica as lagging.
 */
function countsForBest(m: Member): boolean {
  return !m.quarantined && isUsable(m.state)
}

function tierOf(m: Member): number {
  return TIER_OF_STATE[m.state]
}

/** Panic order: the least bad first (ejected before unhealthy, then fewest recent failures). */
function leastBad(a: Member, b: Member): number {
  const rank = (m: Member) => (m.state === 'ejected' ? 0 : 1)
  return (
    rank(a) - rank(b) ||
    a.probeFail - b.probeFail ||
    a.consecutiveFailures - b.consecutiveFailures ||
    a.endpoint.priority - b.endpoint.priority ||
    a.endpoint.index - b.endpoint.index
  )
}

/**
 * The members of a set, their state transitions, and the pickers built from them. Pickers are
 * rebuilt lazily (on the first pick after a change), so a burst of probe results costs one build.
 */
export class Pool {
  readonly members = new Map<string, Member>()
  list: Member[] = []
  /** The members' endpoints, frozen; replaced on membership changes only. */
  endpoints: readonly Endpoint[] = Object.freeze([])
  private dirty = true
  private pickers: Picker[] = []
  /** Members in the preferred and degraded tiers, as of the last rebuild. */
  private usable = 0
  private recheck: ReturnType<typeof setTimeout> | undefined
  private best: number | undefined
  private closed = false

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly emitter: Emitter<SetEvents>,
  ) {}

  add(endpoints: readonly Endpoint[]): void {
    const now = this.opts.now()
    for (const e of endpoints) this.members.set(e.id, new Member(e, now))
    this.relist()
    this.invalidate()
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      this.members.get(id)?.timers.clear()
      this.members.delete(id)
    }
    this.relist()
    this.recomputeBest()
    this.invalidate()
  }

  private relist(): void {
    this.list = [...this.members.values()]
    this.endpoints = Object.freeze(this.list.map((m) => m.endpoint))
  }

  invalidate(): void {
    this.dirty = true
  }

  /** Moves `m` to the state its verdict and overrides imply, through the transition function. */
  update(m: Member, reason: string): void {
    const to = deriveState(m.verdict, m)
    if (to === m.state) return
    const from = m.state
    m.state = transition(from, to)
    const now = this.opts.now()
    m.since = now
    m.reason = reason
    if (!isUsable(to)) m.healthySince = undefined
    else if (!isUsable(from) || (from === 'degraded') !== (to === 'degraded')) {
      m.healthySince = now
    }
    if (isUsable(to) !== isUsable(from)) this.recomputeBest()
    // unknown <-> healthy stays in the same tier: no rebuild (matters at startup with many endpoints).
    if (tierOf(m) !== TIER_OF_STATE[from] || tierOf(m) === 2) this.invalidate()
    if (this.emitter.has('stateChange')) {
      const e = m.endpoint
      this.emitter.emit('stateChange', {
        set: this.opts.name,
        endpoint: e.id,
        url: e.redactedUrl,
        from,
        to,
        reason,
      })
    }
  }

  /** Pickers per tier, rebuilt if anything changed since the last pick. */
  private tiers(): Picker[] {
    if (this.dirty && !this.closed) this.rebuild()
    return this.pickers
  }

  private rebuild(): void {
    this.dirty = false
    const groups: Member[][] = [[], [], []]
    for (const m of this.list) {
      const t = tierOf(m)
      if (t >= 0) groups[t]!.push(m)
    }
    this.usable = groups[0]!.length + groups[1]!.length
    const now = this.opts.now()
    const ctx = { now, random: this.opts.random, failbackAfterMs: this.opts.failbackAfterMs }
    this.pickers = TIERS.map((tier, i) =>
      tier === 'panic'
        ? orderedPicker(groups[i]!.sort(leastBad))
        : this.opts.policy.build(groups[i]!, { ...ctx, tier }),
    )
    if (this.recheck) clearTimeout(this.recheck)
    this.recheck = undefined
    const at = this.pickers[0]?.recheckAt
    if (at !== undefined) {
      this.recheck = unrefTimeout(() => this.rebuildNow('failback'), Math.max(at - now, 0))
    }
  }

  /** Rebuild immediately (timers: a pending failback is due) and let holders know. */
  private rebuildNow(reason: string): void {
    const before = this.current()?.endpoint.id
    this.dirty = true
    const after = this.current()?.endpoint.id
    if (before !== after) {
      this.emitter.emit('rebalance', { set: this.opts.name, reason, from: before, to: after })
    }
  }

  /**
   * Next candidate: the preferred tier, else the degraded one. The panic tier (unhealthy and
   * ejected, least bad first) is used only when no endpoint at all is usable, not merely when the
   * call's filter rejected the usable ones.
   */
  pick(accept?: (c: Candidate) => boolean): Member | undefined {
    const tiers = this.tiers()
    const c = tiers[0]!.pick(accept) ?? tiers[1]!.pick(accept)
    if (c) return c as Member
    if (this.usable > 0) return undefined
    return tiers[2]!.pick(accept) as Member | undefined
  }

  current(): Member | undefined {
    for (const p of this.tiers()) {
      const c = p.current()
      if (c) return c as Member
    }
    return undefined
  }

  get bestHeight(): number | undefined {
    return this.best
  }

  noteHeight(m: Member, height: number): void {
    const prev = m.height
    m.height = height
    if (!countsForBest(m)) return
    if (this.best === undefined || height > this.best) this.best = height
    else if (prev !== undefined && prev === this.best && height < prev) this.recomputeBest()
  }

  private recomputeBest(): void {
    let best: number | undefined
    for (const m of this.list) {
      if (!countsForBest(m) || m.height === undefined) continue
      if (best === undefined || m.height > best) best = m.height
    }
    this.best = best
  }

  close(): void {
    this.closed = true
    if (this.recheck) clearTimeout(this.recheck)
    for (const m of this.list) m.timers.clear()
  }
}
