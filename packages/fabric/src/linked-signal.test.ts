import { describe, expect, it } from 'vitest'
import { linkedSignal } from './linked-signal.js'

describe('linkedSignal', () => {
  it('behavior: aborts with the reason of the first source that aborts', () => {
    const a = new AbortController()
    const b = new AbortController()
    const linked = linkedSignal([a.signal, undefined, b.signal])
    b.abort('drained')
    expect([linked.signal.aborted, linked.signal.reason]).toEqual([true, 'drained'])
  })

  it('behavior: an already aborted source aborts at once', () => {
    const linked = linkedSignal([AbortSignal.abort('gone')])
    expect(linked.signal.reason).toBe('gone')
  })

  it('behavior: once disposed, the sources no longer reach it', () => {
    const source = new AbortController()
    const linked = linkedSignal([source.signal])
    linked.dispose()
    source.abort()
    expect(linked.signal.aborted).toBe(false)
  })
})
