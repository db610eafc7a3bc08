import { describe, expect, it } from 'vitest'
import { InvalidTransitionError } from '../errors/call-errors.js'
import type { EndpointState } from '../types.js'
import { canTransition, deriveState, transition } from './transition.js'

const STATES: EndpointState[] = [
  'unknown',
  'healthy',
  'degraded',
  'unhealthy',
  'ejected',
  'cordoned',
  'quarantined',
]

// Every pair, spelled out: a change of the table must show up here.
const VALID = `
unknown>healthy unknown>degraded unknown>unhealthy unknown>ejected unknown>cordoned unknown>quarantined
healthy>degraded healthy>unhealthy healthy>ejected healthy>cordoned healthy>quarantined
degraded>healthy degraded>unhealthy degraded>ejected degraded>cordoned degraded>quarantined
unhealthy>healthy unhealthy>degraded unhealthy>cordoned unhealthy>quarantined
ejected>unknown ejected>healthy ejected>degraded ejected>unhealthy ejected>cordoned ejected>quarantined
cordoned>unknown cordoned>healthy cordoned>degraded cordoned>unhealthy cordoned>ejected cordoned>quarantined
quarantined>healthy quarantined>degraded quarantined>unhealthy quarantined>cordoned
`
  .trim()
  .split(/\s+/)

describe('transition', () => {
  for (const from of STATES) {
    for (const to of STATES) {
      const ok = VALID.includes(`${from}>${to}`)
      it(`${ok ? 'behavior' : 'error'}: ${from} -> ${to} is ${ok ? 'allowed' : 'rejected'}`, () => {
        expect(canTransition(from, to)).toBe(ok)
        if (ok) expect(transition(from, to)).toBe(to)
        else expect(() => transition(from, to)).toThrow(InvalidTransitionError)
      })
    }
  }

  it('behavior: cordon beats quarantine beats ejection beats the probe verdict', () => {
    const none = { cordoned: false, quarantined: false, ejected: false }
    expect(deriveState('healthy', none)).toBe('healthy')
    expect(deriveState('healthy', { ...none, ejected: true })).toBe('ejected')
    expect(deriveState('healthy', { ...none, ejected: true, quarantined: true })).toBe(
      'quarantined',
    )
    expect(deriveState('unhealthy', { cordoned: true, quarantined: true, ejected: true })).toBe(
      'cordoned',
    )
  })
})
