import type { ResolvedOptions } from '../config/resolve-options.js'
import { ConfigError } from '../errors/config-error.js'
import type { Emitter } from '../events/emitter.js'
import type { Member } from '../health/member.js'
import { unrefTimeout } from '../timers/timer-set.js'
import type { SetEvents } from '../types.js'
import type { Pool } from './pool.js'
import { isUsable } from './transition.js'

/**
 * Operator and monitor actions: cordon (drain, optional TTL), uncordon, prefer (TTL), quarantine
 * and rebalance. Each emits `rebalance` with its reason so connection holders re-pick.
 */
export class Operator {
  private preferId: string | undefined
  private preferTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly pool: Pool,
    private readonly emitter: Emitter<SetEvents>,
    private readonly opts: ResolvedOptions,
  ) {}

  private member(id: string): Member {
    const m = this.pool.members.get(id)
    if (!m) throw new ConfigError('id', id, `is not an endpoint of set ${this.opts.name}`)
    return m
  }

  /** The preferred endpoint while its preference holds and it is usable. */
  preferred(): Member | undefined {
    if (this.preferId === undefined) return undefined
    const m = this.pool.members.get(this.preferId)
    return m && isUsable(m.state) ? m : undefined
  }

  private announce(reason: string, from: string | undefined): void {
    const to = (this.preferred() ?? this.pool.current())?.endpoint.id
    this.emitter.emit('rebalance', { set: this.opts.name, reason, from, to })
  }

  cordon(id: string, o: { ttlMs?: number; reason?: string } = {}): void {
    const m = this.member(id)
    const reason = o.reason ?? 'cordoned'
    m.timers.cancel(m.cordonTimer)
    m.cordonTimer = undefined
    m.cordoned = true
    this.pool.update(m, reason)
    if (o.ttlMs !== undefined) {
      m.cordonTimer = m.timers.after(o.ttlMs, () =>
        this.uncordon(id, { reason: 'cordon TTL expired' }),
      )
    }
    this.announce(reason, id)
  }

  uncordon(id: string, o: { reason?: string } = {}): void {
    const m = this.member(id)
    if (!m.cordoned) return
    const reason = o.reason ?? 'uncordoned'
    m.timers.cancel(m.cordonTimer)
    m.cordonTimer = undefined
    m.cordoned = false
    this.pool.update(m, reason)
    this.announce(reason, undefined)
  }

  prefer(id: string, o: { ttlMs?: number; reason?: string } = {}): void {
    this.member(id)
    const from = (this.preferred() ?? this.pool.current())?.endpoint.id
    if (this.preferTimer) clearTimeout(this.preferTimer)
    this.preferTimer = undefined
    this.preferId = id
    if (o.ttlMs !== undefined) {
      this.preferTimer = unrefTimeout(() => {
        const before = this.preferred()?.endpoint.id
        this.preferId = undefined
        this.preferTimer = undefined
        this.announce('preference expired', before)
      }, o.ttlMs)
    }
    this.announce(o.reason ?? `prefer ${id}`, from)
  }

  quarantine(id: string, reason: string): void {
    const m = this.member(id)
    m.quarantined = true
    m.ejected = false
    this.pool.update(m, reason)
    this.announce(reason, id)
  }

  /**
   * Re-picks now. With `from`, traffic moves off that endpoint: its stability clock restarts,
   * so the priority policy fails back to it only after failbackAfterMs.
   */
  rebalance(o: { reason?: string; from?: string } = {}): void {
    const reason = o.reason ?? 'rebalance'
    if (o.from !== undefined) {
      const m = this.member(o.from)
      if (m.healthySince !== undefined) m.healthySince = this.opts.now()
      if (this.preferId === o.from) this.preferId = undefined
    }
    this.opts.policy.reset?.(o.from)
    this.pool.invalidate()
    this.announce(reason, o.from)
  }

  close(): void {
    if (this.preferTimer) clearTimeout(this.preferTimer)
  }
}
