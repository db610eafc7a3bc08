import { describe, expect, it } from 'vitest'
import { hostAllowed } from './host-allowed.js'

describe('hostAllowed', () => {
  it('behavior: loopback names and addresses pass the loopback rule, any port', () => {
    for (const h of ['localhost:9465', '127.0.0.1:1', '127.0.0.1', '[::1]:9465', 'LOCALHOST']) {
      expect(hostAllowed(h, ['loopback']), h).toBe(true)
    }
  })

  it('error: other hosts, a missing or garbled Host fail', () => {
    for (const h of [
      'evil.example:9465',
      'localhost.evil.example',
      '10.0.0.1',
      undefined,
      '',
      'a b',
    ]) {
      expect(hostAllowed(h, ['loopback']), String(h)).toBe(false)
    }
    expect(hostAllowed('metrics.internal:9465', ['metrics.internal'])).toBe(true)
    expect(hostAllowed('anything', undefined)).toBe(true)
  })
})
