import { describe, expect, it } from 'vitest'
import { parseAlertmanagerPayload } from './alertmanager-payload.js'
import { HttpError } from './http-error.js'

const alert = { status: 'firing', labels: { alertname: 'Down', instance: 'a:1' }, annotations: {} }
const payload = (over: Record<string, unknown> = {}) => ({
  version: '4',
  status: 'firing',
  receiver: 'steadfast',
  groupKey: '{}:{}',
  alerts: [alert],
  ...over,
})

function fieldOf(body: unknown): string | undefined {
  try {
    parseAlertmanagerPayload(body)
  } catch (error) {
    if (error instanceof HttpError && error.status === 400) return error.field
    throw error
  }
  throw new Error('accepted')
}

describe('parseAlertmanagerPayload', () => {
  it('behavior: keeps status, labels and fingerprint; ignores extra fields', () => {
    const p = parseAlertmanagerPayload(payload({ truncatedAlerts: 0, externalURL: 'x' }))
    expect(p.alerts[0]).toEqual({ ...alert, fingerprint: undefined })
    expect(p.receiver).toBe('steadfast')
  })

  it('error: names the wrong field', () => {
    expect(fieldOf(null)).toBe('body')
    expect(fieldOf([])).toBe('body')
    expect(fieldOf(payload({ version: 4 }))).toBe('version')
    expect(fieldOf(payload({ version: '3' }))).toBe('version')
    expect(fieldOf(payload({ alerts: {} }))).toBe('alerts')
    expect(fieldOf(payload({ status: 'ok' }))).toBe('status')
    expect(fieldOf(payload({ alerts: [7] }))).toBe('alerts[0]')
    expect(fieldOf(payload({ alerts: [{ ...alert, status: 'x' }] }))).toBe('alerts[0].status')
    expect(fieldOf(payload({ alerts: [{ ...alert, labels: { a: 1 } }] }))).toBe(
      'alerts[0].labels.a',
    )
    expect(fieldOf(payload({ alerts: [{ ...alert, labels: undefined }] }))).toBe('alerts[0].labels')
    expect(fieldOf(payload({ alerts: [{ ...alert, fingerprint: 5 }] }))).toBe(
      'alerts[0].fingerprint',
    )
    expect(fieldOf(payload({ alerts: new Array(1001).fill(alert) }))).toBe('alerts')
  })

  it('behavior: a label named __proto__ stays plain data', () => {
    const body = JSON.parse(
      '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"__proto__":"x"}}]}',
    )
    const labels = parseAlertmanagerPayload(body).alerts[0]?.labels
    expect(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value).toBe('x')
    expect(Object.getPrototypeOf(labels)).toBe(null)
  })
})
