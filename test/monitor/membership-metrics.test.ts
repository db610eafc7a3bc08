import { createEndpointSet, type EndpointInput } from '@steadfast/core'
import { startMonitor } from '@steadfast/monitor'
import { describe, expect, it } from 'vitest'
import { call, until } from './support/monitor-fixture.js'
import { parsePromText } from './support/prom-text.js'

describe('metrics under changing membership (DNS discovery)', () => {
  it('behavior: the series of a removed endpoint disappear; the others stay', async () => {
    let members: EndpointInput[] = ['http://127.0.9.1:8545', 'http://127.0.9.2:8545']
    const set = createEndpointSet({
      name: 'dns',
      endpoints: [],
      discovery: { intervalMs: 50, resolve: async () => members },
    })
    const monitor = await startMonitor({ sets: [set], port: 0 })
    try {
      set.start()
      await until('both members', () => set.endpoints.length === 2)
      const [gone, kept] = set.endpoints.map((e) => e.id) as [string, string]
      // No network: the operation itself answers, so every attempt is a success on that endpoint.
      for (const id of [gone, kept]) await set.execute(async () => 'ok', { only: id })
      const seen = (text: string) =>
        new Set(
          parsePromText(text)
            .samples.filter((s) => s.name === 'steadfast_requests_total')
            .map((s) => s.labels.endpoint),
        )
      expect(seen((await call(monitor, '/metrics')).text)).toEqual(new Set([gone, kept]))

      const removed = new Promise<string[]>((resolve) =>
        set.on('membership', (e) => e.removed.length && resolve(e.removed)),
      )
      members = [members[1]!]
      expect(await removed).toEqual([gone])
      const text = (await call(monitor, '/metrics')).text
      expect(seen(text)).toEqual(new Set([kept]))
      expect(text).not.toContain(gone)
    } finally {
      await monitor.close()
      await set.close()
    }
  })
})
