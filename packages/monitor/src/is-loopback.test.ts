import { describe, expect, it } from 'vitest'
import { isLoopback } from './is-loopback.js'

describe('isLoopback', () => {
  it('behavior: loopback addresses and localhost only', () => {
    for (const h of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      'localhost',
      'LOCALHOST',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopback(h), h).toBe(true)
    }
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.2',
      'example.com',
      'localhost.evil.com',
      '128.0.0.1',
    ]) {
      expect(isLoopback(h), h).toBe(false)
    }
  })
})
