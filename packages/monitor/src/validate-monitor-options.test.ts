import { ConfigError, createEndpointSet } from '@steadfast/core'
import { Registry } from 'prom-client'
import { afterAll, describe, expect, it } from 'vitest'
import { createMonitorHandler } from './monitor-handler.js'
import { startMonitor } from './start-monitor.js'

const set = createEndpointSet({ name: 'main', endpoints: ['http://127.0.0.1:1'] })
afterAll(() => set.close())

/** createMonitorHandler (then closed) → 'accepted', or the ConfigError's field. */
function field(options: Record<string, unknown>): string {
  try {
    createMonitorHandler({ sets: [set], ...options } as never).close()
    return 'accepted'
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('INVALID_CONFIG')
    return (error as ConfigError).field
  }
}

describe('monitor options validation', () => {
  it.each([
    [{ requiredSets: 'main' }, 'requiredSets'],
    [{ requiredSets: { main: true } }, 'requiredSets'],
    [{ requiredSets: [1] }, 'requiredSets[0]'],
    [{ signal: {} }, 'signal'],
    [{ signal: 'abort' }, 'signal'],
    [{ signal: { aborted: false } }, 'signal'],
    [{ registry: {} }, 'registry'],
    [{ registry: 'default' }, 'registry'],
    [{ alertLabelMapping: [] }, 'alertLabelMapping'],
    [{ alertLabelMapping: { sett: 'cluster' } }, 'alertLabelMapping.sett'],
    [{ alertLabelMapping: { set: 5 } }, 'alertLabelMapping.set'],
    [{ alertLabelMapping: { ttl: '' } }, 'alertLabelMapping.ttl'],
    [{ alertLabelMapping: { hostOnly: 'yes' } }, 'alertLabelMapping.hostOnly'],
    [{ token: 'sixteen chars ok' }, 'token'],
    [{ token: 'sixteen-chars-ok\n' }, 'token'],
    // A typo would silently allow any Host: refused.
    [{ allowedHost: ['loopback'] }, 'allowedHost'],
  ])('error: %o is rejected at %s', (options, expected) => {
    expect(field(options)).toBe(expected)
  })

  it('behavior: valid values are accepted (a signal from anywhere, any prom-client registry)', () => {
    const ac = new AbortController()
    expect(
      field({
        requiredSets: [],
        signal: ac.signal,
        registry: new Registry(),
        alertLabelMapping: { set: 'cluster', hostOnly: true },
        token: 'abcdefghijklmnop',
      }),
    ).toBe('accepted')
    expect(field({ requiredSets: ['main'], alertLabelMapping: () => ({ unmatched: 'x' }) })).toBe(
      'accepted',
    )
  })

  it('error: startMonitor rejects a non-object and a fake signal before binding', async () => {
    await expect(startMonitor(undefined as never)).rejects.toMatchObject({ field: 'options' })
    await expect(startMonitor({ sets: [set], port: 0, signal: {} } as never)).rejects.toThrow(
      ConfigError,
    )
  })

  it('error: the token is never echoed', () => {
    try {
      createMonitorHandler({ sets: [set], token: 'secret token with spaces' })
      expect.unreachable()
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret')
    }
  })
})
