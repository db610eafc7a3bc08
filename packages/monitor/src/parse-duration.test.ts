import { describe, expect, it } from 'vitest'
import { MAX_TTL_MS, parseDuration } from './parse-duration.js'

describe('parseDuration', () => {
  it('args: reads units and compound durations as milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('60s')).toBe(60_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration('2d')).toBe(172_800_000)
    expect(parseDuration('1500')).toBe(1500)
  })

  it('error: refuses zero, negatives, garbage and absurd lengths', () => {
    for (const bad of ['', '0', '0s', '-5s', 's', '5x', '5 m', '1e3', 'NaN', '31d']) {
      expect(parseDuration(bad), bad).toBeUndefined()
    }
    expect(parseDuration(`${MAX_TTL_MS}`)).toBe(MAX_TTL_MS)
  })
})
