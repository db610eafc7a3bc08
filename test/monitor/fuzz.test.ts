import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, type MonitorFixture, startMonitorFixture } from './support/monitor-fixture.js'

let f: MonitorFixture
beforeAll(async () => {
  f = await startMonitorFixture({ bodyLimitBytes: 2048 })
})
afterAll(async () => {
  await f?.close()
})

const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.anything().map((v) => JSON.parse(JSON.stringify(v ?? null))),
)
/** A set name that is never one of the fixture's, or not a string at all. */
const notASet = fc.oneof(
  fc.string().filter((s) => s !== 'main' && s !== 'aux'),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
)
const actionBody = fc.record(
  {
    set: notASet,
    endpoint: fc.oneof(fc.string(), fc.integer(), fc.constant('127.0.0.1:1'), anyJson),
    ttlMs: fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.constant(null),
      fc.bigInt().map(String),
    ),
    reason: fc.oneof(fc.string({ maxLength: 600 }), anyJson),
    extra: anyJson,
  },
  { requiredKeys: [] },
)
const label = fc.oneof(
  fc.string(),
  fc.constantFrom('instance', 'steadfast_set', 'steadfast_action', 'alertname'),
)
const alertBody = fc.record(
  {
    version: fc.oneof(fc.constant('4'), anyJson),
    status: fc.oneof(fc.constantFrom('firing', 'resolved'), anyJson),
    alerts: fc.oneof(
      fc.array(
        fc.record(
          {
            status: fc.oneof(fc.constantFrom('firing', 'resolved'), anyJson),
            labels: fc.oneof(
              fc.dictionary(label, fc.oneof(fc.string(), anyJson), { maxKeys: 4 }),
              anyJson,
            ),
            annotations: anyJson,
            fingerprint: anyJson,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      ),
      anyJson,
    ),
  },
  { requiredKeys: [] },
)
/** Raw bodies: arbitrary text, bytes (often invalid UTF-8) and JSON of any shape. */
const rawBody = fc.oneof(
  fc.string({ maxLength: 3000 }),
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b).toString('latin1')),
  anyJson.map((v) => JSON.stringify(v)),
)

describe('fuzzed request bodies (fast-check)', () => {
  const states = () => f.main.status().map((s) => s.state)

  it('behavior: action routes answer every invalid body with a 4xx, never a 5xx, and change nothing', async () => {
    const before = states()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/rebalance', '/cordon', '/uncordon', '/prefer'),
        fc.oneof(
          actionBody.map((b) => JSON.stringify(b)),
          rawBody.filter((r) => !/"set"\s*:\s*"(main|aux)"/.test(r)),
        ),
        async (path, raw) => {
          const res = await call(f.monitor, path, {
            raw,
            headers: { 'content-type': 'application/json' },
          })
          expect(res.status, `${path} ${raw.slice(0, 200)}`).toBeGreaterThanOrEqual(400)
          expect(res.status).toBeLessThan(500)
          expect(res.json?.error?.code).toEqual(expect.any(String))
        },
      ),
      { numRuns: 200 },
    )
    expect(states()).toEqual(before)
    expect((await call(f.monitor, '/healthz')).status).toBe(200)
  })

  it('behavior: the Alertmanager route never answers 5xx, whatever the payload', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          alertBody.map((b) => JSON.stringify(b)),
          rawBody,
        ),
        async (raw) => {
          const res = await call(f.monitor, '/alertmanager', {
            raw,
            headers: { 'content-type': 'application/json' },
          })
          expect(res.status, raw.slice(0, 200)).toBeLessThan(500)
          expect([200, 400, 413]).toContain(res.status)
        },
      ),
      { numRuns: 200 },
    )
    expect((await call(f.monitor, '/healthz')).status).toBe(200)
  })
})
