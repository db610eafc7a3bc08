import { HttpError, invalidField } from './http-error.js'

/** One alert of an Alertmanager webhook (version 4); fields we do not use are not kept. */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved'
  labels: Readonly<Record<string, string>>
  annotations: Readonly<Record<string, string>>
  fingerprint: string | undefined
}

/** The Alertmanager webhook payload, version 4, as far as the monitor reads it. */
export interface AlertmanagerPayload {
  version: '4'
  status: 'firing' | 'resolved'
  receiver: string | undefined
  alerts: AlertmanagerAlert[]
}

/** Most alerts accepted in one webhook call (Alertmanager's `max_alerts` should stay below). */
export const MAX_ALERTS = 1000

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function status(v: unknown, field: string): 'firing' | 'resolved' {
  if (v === 'firing' || v === 'resolved') return v
  throw invalidField(field, 'must be "firing" or "resolved"')
}

function stringMap(v: unknown, field: string, required: boolean): Record<string, string> {
  if (v === undefined && !required) return {}
  if (!isObject(v)) throw invalidField(field, 'must be an object of strings')
  const out: Record<string, string> = Object.create(null)
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') throw invalidField(`${field}.${k}`, 'must be a string')
    out[k] = value
  }
  return out
}

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw invalidField(field, 'must be a string')
  return v
}

function alert(v: unknown, i: number): AlertmanagerAlert {
  const field = `alerts[${i}]`
  if (!isObject(v)) throw invalidField(field, 'must be an object')
  return {
    status: status(v.status, `${field}.status`),
    labels: stringMap(v.labels, `${field}.labels`, true),
    annotations: stringMap(v.annotations, `${field}.annotations`, false),
    fingerprint: optionalString(v.fingerprint, `${field}.fingerprint`),
  }
}

/**
 * Validates an Alertmanager webhook body (version 4). Throws a 400 {@link HttpError} naming the
 * first wrong field; unknown extra fields are ignored, as Alertmanager adds some over time.
 */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerPayload {
  if (!isObject(body)) throw invalidField('body', 'must be a JSON object')
  if (body.version !== '4') {
    throw new HttpError(
      400,
      'INVALID_BODY',
      'version: only Alertmanager webhook version "4" is supported',
      'version',
    )
  }
  if (!Array.isArray(body.alerts)) throw invalidField('alerts', 'must be an array')
  if (body.alerts.length > MAX_ALERTS) {
    throw invalidField('alerts', `more than ${MAX_ALERTS} alerts in one call`)
  }
  return {
    version: '4',
    status: status(body.status, 'status'),
    receiver: optionalString(body.receiver, 'receiver'),
    alerts: body.alerts.map(alert),
  }
}
