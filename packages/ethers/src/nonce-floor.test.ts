import { describe, expect, it } from 'vitest'
import { NonceFloor } from './nonce-floor.js'

const A = '0xAbCd000000000000000000000000000000000001'

describe('NonceFloor', () => {
  it('behavior: a pending count is raised to the highest nonce sent + 1', () => {
    const floor = new NonceFloor()
    floor.sent(A, 4)
    floor.sent(A.toLowerCase(), 5)
    expect(floor.apply(A, 'pending', '0x5')).toBe('0x6')
    expect(floor.apply(A, 'pending', '0x7')).toBe('0x7')
  })

  it('behavior: a lower nonce sent later (a re-send) does not lower the floor', () => {
    const floor = new NonceFloor()
    floor.sent(A, 5)
    floor.sent(A, 3)
    expect(floor.floor(A, 'pending')).toBe(6)
  })

  it('behavior: a latest count is raised only by mined nonces, a pending one by both', () => {
    const floor = new NonceFloor()
    floor.sent(A, 9)
    expect(floor.floor(A, 'latest')).toBeUndefined()
    expect(floor.apply(A, 'latest', '0x3')).toBe('0x3')
    floor.mined(A, 7)
    expect(floor.apply(A, 'latest', '0x3')).toBe('0x8')
    expect(floor.apply(A, 'pending', '0x3')).toBe('0xa')
  })

  it('behavior: a mined nonce keeps the pending floor up too', () => {
    const floor = new NonceFloor()
    floor.mined(A, 2)
    expect(floor.floor(A, 'pending')).toBe(3)
  })

  it('behavior: a sender without sent transactions, or a non-quantity answer, is untouched', () => {
    const floor = new NonceFloor()
    floor.sent(A, 1)
    expect(floor.apply('0x0000000000000000000000000000000000000002', 'pending', '0x0')).toBe('0x0')
    expect(floor.apply(A, 'pending', null)).toBe(null)
    expect(floor.apply(A, 'pending', 'garbage')).toBe('garbage')
  })

  it('behavior: a transaction sent longer ago than maxAgeMs no longer holds the floor (dropped)', () => {
    let now = 0
    const floor = new NonceFloor(1000, () => now)
    floor.sent(A, 3)
    now = 999
    expect(floor.floor(A, 'pending')).toBe(4)
    now = 2500
    expect(floor.floor(A, 'pending')).toBeUndefined()
    expect(floor.apply(A, 'pending', '0x3')).toBe('0x3')
  })

  it('args: invalid nonces are ignored', () => {
    const floor = new NonceFloor()
    floor.sent(A, -1)
    floor.sent(A, Number.NaN)
    expect(floor.floor(A, 'pending')).toBeUndefined()
  })

  it('behavior: keeps the raw form of the last transactions per sender', () => {
    const floor = new NonceFloor()
    floor.sent(A, 0, '0xraw0')
    floor.sent(A.toLowerCase(), 1, '0xraw1')
    expect(floor.raw(A, 0)).toBe('0xraw0')
    expect(floor.raw(A, 1)).toBe('0xraw1')
    expect(floor.raw(A, 2)).toBeUndefined()
    floor.sent(A, 100, '0xraw100')
    // Far older nonces are let go.
    expect(floor.raw(A, 0)).toBeUndefined()
    expect(floor.raw(A, 100)).toBe('0xraw100')
  })

  it('behavior: knows which replica accepted the last transaction of a sender, and only the last', () => {
    const floor = new NonceFloor()
    floor.sent(A, 0, '0xraw0', 'r1')
    expect(floor.acceptedBy(A, 0)).toBe('r1')
    expect(floor.acceptedBy(A.toLowerCase(), 0)).toBe('r1')
    floor.sent(A, 1, '0xraw1', 'r2')
    expect(floor.acceptedBy(A, 1)).toBe('r2')
    // Nonce 0's holder is no longer tracked: a catch-up must ask the replica.
    expect(floor.acceptedBy(A, 0)).toBeUndefined()
    floor.sent(A, 2, '0xraw2')
    expect(floor.acceptedBy(A, 2)).toBeUndefined()
  })

  it('behavior: a sender idle past maxAgeMs is forgotten, its replica too', () => {
    let now = 0
    const floor = new NonceFloor(1000, () => now)
    floor.sent(A, 0, '0xraw0', 'r1')
    now = 5000
    floor.sent('0x00000000000000000000000000000000000000bb', 0, '0xother', 'r2')
    expect(floor.acceptedBy(A, 0)).toBeUndefined()
    expect(floor.raw(A, 0)).toBeUndefined()
  })
})
