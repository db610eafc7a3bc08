import { setTimeout as sleep } from 'node:timers/promises'
import { createEndpointSet } from '@steadfast/core'
import { describe, expect, it } from 'vitest'
import type { ChainGuard } from './chain-guard.js'
import { HeadTracker } from './head-tracker.js'
import { RpcTransport } from './rpc-transport.js'
import { shouldFailover } from './should-failover.js'

describe('RpcTransport.execute', () => {
  it('behavior: the freshness tiers share one deadline (a read never runs past deadlineMs)', async () => {
    const set = createEndpointSet({
      endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'],
      maxAttempts: 1,
      deadlineMs: 600,
    })
    // One replica per tier: at the head, fresh (1 behind), lagging (10 behind).
    const [top, fresh, lagging] = set.endpoints.map((e) => e.id) as [string, string, string]
    set.reportSuccess(top, { height: 10 })
    set.reportSuccess(fresh, { height: 9 })
    set.reportSuccess(lagging, { height: 0 })
    const head = new HeadTracker()
    head.observe(10)
    const rpc = new RpcTransport(set, {}, {} as ChainGuard, head, shouldFailover, 600)
    const ran: string[] = []
    const error = await rpc
      .execute(
        async (endpoint, ctx) => {
          await sleep(250, undefined, { signal: ctx.signal })
          ran.push(endpoint.id)
          throw new Error('replica down')
        },
        { latest: true },
      )
      .catch((e: unknown) => e)
    await set.close()
    expect((error as { code?: string }).code).toMatch(/DEADLINE_EXCEEDED|ENDPOINTS_EXHAUSTED/)
    // Each tier used to get a whole deadline of its own: three 250 ms attempts for a 600 ms call.
    expect(ran).not.toContain(lagging)
    expect(ran.length).toBeLessThanOrEqual(2)
  })
})
