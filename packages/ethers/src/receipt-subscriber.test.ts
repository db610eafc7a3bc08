import { describe, expect, it } from 'vitest'
import { flush, manualPollerHost } from './manual-poller-host.fixture.js'
import { ReceiptSubscriber } from './receipt-subscriber.js'

const HASH = `0x${'ab'.repeat(32)}`

/** A provider stand-in: a settable receipt, recorded emits, timers and blocks run by hand. */
function fakeHost() {
  const host = Object.assign(manualPollerHost(), {
    receipt: null as unknown,
    fail: false,
    reads: 0,
    emitted: [] as unknown[],
    getBlockNumber: async () => 1,
    getTransactionReceipt: async () => {
      host.reads++
      if (host.fail) throw new Error('every replica down')
      return host.receipt
    },
    emit: async (event: string, ...args: unknown[]) => {
      if (event === HASH) host.emitted.push(args[0])
      return true
    },
  })
  return host
}

describe('ReceiptSubscriber', () => {
  it('behavior: a receipt first read as empty is found by the timer poll though no block comes', async () => {
    const host = fakeHost()
    const sub = new ReceiptSubscriber(host, HASH, 100)
    sub.start()
    await flush()
    expect(host.emitted).toEqual([])
    host.receipt = { status: 1 } // mined in a block already reported: no new block event
    await host.tick()
    expect(host.emitted).toEqual([{ status: 1 }])
    sub.stop()
  })

  it('behavior: reads the receipt on every block event too', async () => {
    const host = fakeHost()
    const sub = new ReceiptSubscriber(host, HASH, 100)
    sub.start()
    await flush()
    host.receipt = { status: 1 }
    for (const fn of host.blockListeners) fn(2)
    await flush()
    expect(host.emitted).toEqual([{ status: 1 }])
    sub.stop()
  })

  it('behavior: a failed read is retried; stop removes the block listener and the timer', async () => {
    const host = fakeHost()
    const sub = new ReceiptSubscriber(host, HASH, 100)
    host.fail = true
    sub.start()
    await flush()
    host.fail = false
    host.receipt = { status: 1 }
    await host.tick()
    expect(host.emitted).toEqual([{ status: 1 }])
    sub.stop()
    expect(host.timers.size).toBe(0)
    expect(host.blockListeners.size).toBe(0)
  })

  it('behavior: one read at a time: a block during a read triggers one more read, not two loops', async () => {
    const host = fakeHost()
    const sub = new ReceiptSubscriber(host, HASH, 100)
    sub.start() // read 1 in flight
    for (const fn of host.blockListeners) fn(2)
    for (const fn of host.blockListeners) fn(3)
    await flush()
    await flush()
    expect(host.reads).toBe(2)
    expect(host.timers.size).toBe(1)
    sub.stop()
  })
})
