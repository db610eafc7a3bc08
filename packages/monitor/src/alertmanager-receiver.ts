import type { EndpointSet } from '@steadfast/core'
import type { AlertAction, AlertMapper, AlertTarget } from './alert-label-mapping.js'
import type { AlertmanagerAlert, AlertmanagerPayload } from './alertmanager-payload.js'
import { applySetAction, type SetAction } from './apply-set-action.js'
import { HttpError } from './http-error.js'

/** What was done for one target of one alert. */
export interface AlertTargetReport {
  set: string
  endpoint: string | null
  /** The action taken (a resolved `cordon` alert reports `uncordon`). */
  action: SetAction | 'none'
  /** `applied`; `skipped` (nothing to do); `not_found`; `invalid`; `refused` (by the core). */
  outcome: 'applied' | 'skipped' | 'not_found' | 'invalid' | 'refused'
  message: string | null
  /** Endpoint to hold after the action. */
  current: string | null
}

/** What was done for one alert of the payload. */
export interface AlertReport {
  index: number
  fingerprint: string | null
  alertname: string | null
  status: 'firing' | 'resolved'
  /** Why the alert mapped to nothing, else null. */
  unmatched: string | null
  targets: AlertTargetReport[]
}

/** Longest reason recorded on a state change, in characters. */
const MAX_REASON = 200

const OUTCOME_BY_STATUS: Readonly<Record<number, AlertTargetReport['outcome']>> = {
  400: 'invalid',
  404: 'not_found',
  409: 'refused',
}

/**
 * Turns Alertmanager alerts into set actions. Cordons are reference-counted per endpoint by
 * alert fingerprint, so when two alerts cordon the same endpoint, it is uncordoned only when the
 * last of them resolves (a resolved alert with no record, e.g. after a restart, uncordons).
 */
export class AlertmanagerReceiver {
  readonly #firing = new Map<string, Set<string>>()

  constructor(
    private readonly sets: readonly EndpointSet[],
    private readonly mapper: AlertMapper,
    private readonly defaultAction: AlertAction,
    private readonly onApplied: (action: SetAction) => void,
  ) {}

  receive(payload: AlertmanagerPayload): AlertReport[] {
    return payload.alerts.map((alert, index) => {
      const report: AlertReport = {
        index,
        fingerprint: alert.fingerprint ?? null,
        alertname: alert.labels.alertname ?? null,
        status: alert.status,
        unmatched: null,
        targets: [],
      }
      const resolution = this.mapper(alert, this.sets, this.defaultAction)
      if ('unmatched' in resolution) report.unmatched = resolution.unmatched
      else report.targets = resolution.targets.map((t) => this.#apply(alert, index, t))
      return report
    })
  }

  #apply(alert: AlertmanagerAlert, index: number, t: AlertTarget): AlertTargetReport {
    const firing = alert.status === 'firing'
    const action: SetAction | 'none' =
      t.action === 'cordon' ? (firing ? 'cordon' : 'uncordon') : firing ? t.action : 'none'
    const report: AlertTargetReport = {
      set: t.set,
      endpoint: t.endpoint ?? null,
      action,
      outcome: 'skipped',
      message: null,
      current: null,
    }
    if (action === 'none') {
      report.message = firing ? 'action none' : `nothing to undo for ${t.action}`
      return report
    }
    if (action === 'uncordon' && t.endpoint === undefined) {
      return { ...report, outcome: 'invalid', message: 'endpoint: required for cordon' }
    }
    const key = `${t.set}\u0000${t.endpoint ?? ''}`
    const who = alert.fingerprint ?? `#${index}`
    if (action === 'uncordon' && !this.#release(key, who)) {
      report.message = 'still cordoned by another firing alert'
      return report
    }
    const name = alert.labels.alertname ?? 'alert'
    const reason = `alertmanager: ${name} ${alert.fingerprint ?? ''}`.trim().slice(0, MAX_REASON)
    try {
      const done = applySetAction(this.sets, action, {
        set: t.set,
        ...(t.endpoint === undefined ? {} : { endpoint: t.endpoint }),
        ...(action === 'cordon' && t.ttlMs !== undefined ? { ttlMs: t.ttlMs } : {}),
        reason,
      })
      if (action === 'cordon') this.#hold(key, who)
      this.onApplied(action)
      return { ...report, outcome: 'applied', current: done.current ?? null }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error
      return {
        ...report,
        outcome: OUTCOME_BY_STATUS[error.status] ?? 'refused',
        message: error.message,
      }
    }
  }

  #hold(key: string, who: string): void {
    let holders = this.#firing.get(key)
    if (!holders) {
      holders = new Set()
      this.#firing.set(key, holders)
    }
    holders.add(who)
  }

  /** Forgets `who`'s cordon; true when nobody else still holds the endpoint cordoned. */
  #release(key: string, who: string): boolean {
    const holders = this.#firing.get(key)
    if (!holders) return true
    holders.delete(who)
    if (holders.size > 0) return false
    this.#firing.delete(key)
    return true
  }
}
