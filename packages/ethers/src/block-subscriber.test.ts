import { describe, expect, it } from 'vitest'
import { type BlockCursor, BlockSubscriber, RESUME_WITHIN_MS } from './block-subscriber.js'
import { flush, manualPollerHost } from './manual-poller-host.fixture.js'

/** A provider stand-in: a settable head, recorded emits, timers run by `tick()`. */
function fakeHost() {
  const host = Object.assign(manualPollerHost(), {
    head: 10,
    fail: false,
    emitted: [] as number[],
    getBlockNumber: async () => {
      if (host.fail) throw new Error('every replica down')
      return host.head
    },
    emit: async (_event: string, ...args: unknown[]) => {
      host.emitted.push(args[0] as number)
      return true
    },
  })
  return host
}
const cursor = (): BlockCursor => ({ block: undefined, stoppedAt: undefined })

describe('BlockSubscriber', () => {
  it('behavior: the first subscription takes the current block as baseline, then emits each new one', async () => {
    const host = fakeHost()
    const sub = new BlockSubscriber(host, cursor(), 100)
    sub.start()
    await flush()
    expect(host.emitted).toEqual([])
    host.head = 12
    await host.tick()
    expect(host.emitted).toEqual([11, 12])
    sub.stop()
  })

  it('behavior: a subscription restarted after its listeners churned emits the blocks mined in between', async () => {
    const host = fakeHost()
    const shared = cursor()
    const first = new BlockSubscriber(host, shared, 100)
    first.start()
    await flush()
    first.stop()
    host.head = 12 // mined while nobody listened (ethers' own would take 12 as its baseline)
    const second = new BlockSubscriber(host, shared, 100)
    second.start()
    await flush()
    expect(host.emitted).toEqual([11, 12])
    second.stop()
  })

  it('behavior: a subscription started long after the last one stopped starts from the current block', async () => {
    const host = fakeHost()
    let now = 1_000
    const shared = cursor()
    const first = new BlockSubscriber(host, shared, 100, () => now)
    first.start()
    await flush()
    first.stop()
    host.head = 50
    now += RESUME_WITHIN_MS + 1
    const second = new BlockSubscriber(host, shared, 100, () => now)
    second.start()
    await flush()
    expect(host.emitted).toEqual([])
    second.stop()
  })

  it('behavior: a failed poll is retried at the next interval; stop leaves no timer', async () => {
    const host = fakeHost()
    const sub = new BlockSubscriber(host, cursor(), 100)
    sub.start()
    await flush()
    host.fail = true
    host.head = 11
    await host.tick()
    expect(host.emitted).toEqual([])
    host.fail = false
    await host.tick()
    expect(host.emitted).toEqual([11])
    sub.stop()
    expect(host.timers.size).toBe(0)
  })

  it('behavior: a poll in flight when the subscription restarts does not start a second polling loop', async () => {
    const host = fakeHost()
    const sub = new BlockSubscriber(host, cursor(), 100)
    sub.start()
    sub.stop()
    sub.start()
    await flush()
    expect(host.timers.size).toBe(1)
    sub.stop()
  })
})
