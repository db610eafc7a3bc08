import type { EventFilter, Log, Network } from 'ethers'
import { describe, expect, it } from 'vitest'
import { FilterEventSubscriber } from './filter-event-subscriber.js'
import { flush, manualPollerHost } from './manual-poller-host.fixture.js'

const FILTER: EventFilter = { address: `0x${'11'.repeat(20)}`, topics: [`0x${'22'.repeat(32)}`] }

/** A provider stand-in: scripted filter answers, recorded sends and emits, manual timers. */
function fakeHost() {
  const host = Object.assign(manualPollerHost(), {
    /** Logs the next eth_getFilterChanges answers with (then cleared). */
    changes: [] as unknown[],
    /** Failures left for eth_newFilter. */
    failNewFilter: 0,
    /** While set, eth_getFilterChanges waits for it. */
    gate: undefined as Promise<void> | undefined,
    sent: [] as string[],
    inFlight: 0,
    maxInFlight: 0,
    emitted: [] as unknown[],
    destroyed: false,
    _network: {} as Network,
    send: async (method: string, params: unknown[]) => {
      host.sent.push(method)
      if (method === 'eth_newFilter') {
        if (host.failNewFilter > 0) {
          host.failNewFilter--
          throw new Error('every replica down')
        }
        expect(params).toEqual([FILTER])
        return '0x7'
      }
      if (method === 'eth_getFilterChanges') {
        expect(params).toEqual(['0x7'])
        host.maxInFlight = Math.max(host.maxInFlight, ++host.inFlight)
        try {
          await host.gate
          const out = host.changes
          host.changes = []
          return out
        } finally {
          host.inFlight--
        }
      }
      return true
    },
    emit: async (event: EventFilter, ...args: unknown[]) => {
      expect(event).toEqual(FILTER)
      host.emitted.push(args[0])
      return true
    },
    _wrapLog: (value: unknown) => ({ wrapped: value }) as unknown as Log,
  })
  return host
}
const polls = (host: ReturnType<typeof fakeHost>) =>
  host.sent.filter((m) => m === 'eth_getFilterChanges').length

describe('FilterEventSubscriber', () => {
  it('behavior: an event is polled by the timer though no new block comes', async () => {
    const host = fakeHost()
    const sub = new FilterEventSubscriber(host, FILTER, 100)
    sub.start()
    await flush()
    expect(host.sent).toEqual(['eth_newFilter', 'eth_getFilterChanges'])
    host.changes = [{ logIndex: '0x0' }, { logIndex: '0x1' }]
    await host.tick() // no block event: the timer poll finds them
    expect(host.emitted).toEqual([
      { wrapped: { logIndex: '0x0' } },
      { wrapped: { logIndex: '0x1' } },
    ])
    sub.stop()
  })

  it('behavior: polls on every block event too, one poll at a time', async () => {
    const host = fakeHost()
    const sub = new FilterEventSubscriber(host, FILTER, 100)
    sub.start()
    await flush()
    let open = () => {}
    host.gate = new Promise<void>((r) => {
      open = r
    })
    await host.block()
    await host.block() // during the first poll: queued, not concurrent
    await host.block()
    expect(host.inFlight).toBe(1)
    host.gate = undefined
    open()
    await flush()
    await flush()
    expect(host.maxInFlight).toBe(1)
    expect(polls(host)).toBe(3) // start, the block poll, one more for the queued blocks
    sub.stop()
  })

  it('behavior: subscribes again after eth_newFilter failed (ethers never does)', async () => {
    const host = fakeHost()
    host.failNewFilter = 1
    const sub = new FilterEventSubscriber(host, FILTER, 100)
    sub.start()
    await flush()
    expect(host.sent).toEqual(['eth_newFilter'])
    host.changes = [{ logIndex: '0x0' }]
    await host.tick()
    expect(host.sent).toEqual(['eth_newFilter', 'eth_newFilter', 'eth_getFilterChanges'])
    expect(host.emitted).toHaveLength(1)
    sub.stop()
  })

  it('behavior: stop uninstalls the filter and leaves no timer or block listener', async () => {
    const host = fakeHost()
    const sub = new FilterEventSubscriber(host, FILTER, 100)
    sub.start()
    await flush()
    sub.stop()
    await flush()
    expect(host.sent.at(-1)).toBe('eth_uninstallFilter')
    expect(host.timers.size).toBe(0)
    expect(host.blockListeners.size).toBe(0)
    await host.block()
    expect(polls(host)).toBe(1)
  })

  it('behavior: pause keeps the filter unless told to drop it; resume polls again', async () => {
    const host = fakeHost()
    const sub = new FilterEventSubscriber(host, FILTER, 100)
    sub.start()
    await flush()
    sub.pause(false)
    await host.tick()
    expect(polls(host)).toBe(1)
    expect(host.sent).not.toContain('eth_uninstallFilter')
    sub.resume()
    await flush()
    expect(polls(host)).toBe(2)
    expect(host.sent.filter((m) => m === 'eth_newFilter')).toHaveLength(1)
    sub.pause(true)
    await flush()
    expect(host.sent.at(-1)).toBe('eth_uninstallFilter')
    sub.resume()
    await flush()
    expect(host.sent.filter((m) => m === 'eth_newFilter')).toHaveLength(2)
    sub.stop()
  })
})
