import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createEndpointSet } from '../create-endpoint-set.js'
import { ConfigError } from '../errors/config-error.js'

function configError(options: unknown): ConfigError {
  try {
    createEndpointSet(options as never)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return e as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('config validation', () => {
  it.each([
    [{ endpoints: [] }, 'endpoints'],
    [{}, 'endpoints'],
    [{ endpoints: ['http://a:1', 'http://a:1'] }, 'endpoints[1].id'],
    [{ endpoints: ['ftp://a'] }, 'endpoints[0].url'],
    [{ endpoints: ['not a url'] }, 'endpoints[0].url'],
    [{ endpoints: [{ url: 'http://a', weight: -1 }] }, 'endpoints[0].weight'],
    [{ endpoints: ['http://a', { url: 'http://b', weight: 0 }] }, 'endpoints[1].weight'],
    [{ endpoints: [{ url: 'http://a', priority: Number.NaN }] }, 'endpoints[0].priority'],
    [
      { endpoints: [{ url: 'http://a', timeoutMs: Number.POSITIVE_INFINITY }] },
      'endpoints[0].timeoutMs',
    ],
    [{ endpoints: [{ url: 'http://a', labels: { zone: 1 } }] }, 'endpoints[0].labels.zone'],
    [{ endpoints: [{ url: 'http://a', id: '' }] }, 'endpoints[0].id'],
    [{ endpoints: [42] }, 'endpoints[0]'],
    [{ endpoints: ['http://a'], policy: 'random' }, 'policy'],
    [{ endpoints: ['http://a'], health: { rise: 0 } }, 'health.rise'],
    [{ endpoints: ['http://a'], health: { intervalMs: '5s' } }, 'health.intervalMs'],
    [{ endpoints: ['http://a'], health: { interval: 5 } }, 'health.interval'],
    [
      { endpoints: ['http://a'], outlier: { maxEjectionPercent: 150 } },
      'outlier.maxEjectionPercent',
    ],
    [{ endpoints: ['http://a'], maxAttempts: 0 }, 'maxAttempts'],
    [{ endpoints: ['http://a'], deadlineMs: -5 }, 'deadlineMs'],
    [{ endpoints: ['http://a'], hedge: { delayMs: 'soon' } }, 'hedge.delayMs'],
    [{ endpoints: ['http://a'], probe: 'yes' }, 'probe'],
    [{ endpoints: ['http://a'], name: 3 }, 'name'],
  ])('error: %j is rejected at %s', (options, field) => {
    expect(configError(options).field).toBe(field)
  })

  it('error: the offending value is redacted', () => {
    const e = configError({ endpoints: ['ftp://u:secretpw@a.test/?token=abc'] })
    expect(e.code).toBe('INVALID_CONFIG')
    expect(String(e.value)).not.toContain('secretpw')
    expect(e.message).not.toContain('secretpw')
    expect(e.message).not.toContain('abc')
  })

  it('behavior: ids are derived from the redacted url', () => {
    const set = createEndpointSet({
      endpoints: [
        'http://127.0.0.1:8545',
        'https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef',
        'grpcs://peer0:7051',
      ],
    })
    expect(set.endpoints.map((e) => e.id)).toEqual([
      '127.0.0.1:8545',
      'mainnet.infura.io:443/v3/***',
      'peer0:7051',
    ])
  })

  it('property: arbitrary inputs only ever throw ConfigError', () => {
    const endpoint = fc.oneof(
      fc.string(),
      fc.webUrl(),
      fc.record(
        {
          url: fc.oneof(fc.webUrl(), fc.anything()),
          weight: fc.anything(),
          priority: fc.anything(),
          id: fc.anything(),
          labels: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    )
    const options = fc.oneof(
      fc.anything(),
      fc.record(
        {
          endpoints: fc.oneof(fc.array(endpoint, { maxLength: 4 }), fc.anything()),
          policy: fc.oneof(fc.constantFrom('priority', 'p2c', 'nope'), fc.anything()),
          health: fc.oneof(
            fc.record(
              { rise: fc.anything(), fall: fc.anything(), intervalMs: fc.double() },
              { requiredKeys: [] },
            ),
            fc.anything(),
          ),
          outlier: fc.anything(),
          hedge: fc.anything(),
          maxAttempts: fc.oneof(fc.integer(), fc.double(), fc.anything()),
          deadlineMs: fc.double(),
          name: fc.anything(),
          discovery: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    )
    fc.assert(
      fc.property(options, (o) => {
        try {
          const set = createEndpointSet(o as never)
          void set.close()
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e
        }
      }),
      { numRuns: 600, seed: 42 },
    )
  })
})
