import { describe, expect, it } from 'vitest'
import { HeadTracker, quantity } from './head-tracker.js'

describe('HeadTracker', () => {
  it('behavior: the mark only goes up', () => {
    const head = new HeadTracker()
    expect(head.high).toBeUndefined()
    head.observe(7)
    head.observe(5)
    expect(head.high).toBe(7)
    expect(head.clamp(6)).toBe(7)
    expect(head.clamp(9)).toBe(9)
  })

  it('behavior: the best probed height counts as seen (reads go to replicas at it)', () => {
    let best: number | undefined
    const head = new HeadTracker(() => best)
    head.observe(4)
    best = 10
    expect(head.high).toBe(10)
    expect(head.clamp(4)).toBe(10)
    // The best height falling back (its replica died) does not lower the mark.
    best = 6
    expect(head.high).toBe(10)
  })

  it('behavior: a held-back answer repeats the previous one; the next free one catches up', () => {
    const head = new HeadTracker()
    expect(head.answer(5, true)).toBe(5)
    expect(head.answer(7, true)).toBe(5)
    expect(head.high).toBe(7)
    expect(head.answer(6, false)).toBe(7)
    expect(head.answer(3, true)).toBe(7)
  })

  it('behavior: reachable is the mark, or the best replica height when a reorg left it lower', () => {
    let best: number | undefined
    const head = new HeadTracker(() => best)
    expect(head.reachable).toBeUndefined()
    head.observe(10)
    expect(head.reachable).toBe(10) // no probe yet: the mark
    best = 12
    expect(head.reachable).toBe(12)
    best = 9 // the chain the replicas hold is now shorter than what was reported
    expect(head.reachable).toBe(9)
    expect(head.high).toBe(12) // reported block numbers still never go back
  })

  it('args: quantity parses hex quantities only', () => {
    expect(quantity('0x1a')).toBe(26)
    expect(quantity('26')).toBeUndefined()
    expect(quantity(null)).toBeUndefined()
  })
})
