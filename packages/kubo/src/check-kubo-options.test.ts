import { ConfigError, createEndpointSet } from '@steadfast/core'
import { describe, expect, it } from 'vitest'
import { checkKuboOptions, MAX_TIMER_MS } from './check-kubo-options.js'

const base = { endpoints: ['http://127.0.0.1:1'] }
const fieldOf = (options: object) => {
  try {
    checkKuboOptions({ ...base, ...options })
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as ConfigError).field
  }
  return 'accepted'
}

describe('checkKuboOptions', () => {
  it('behavior: defaults', () => {
    expect(checkKuboOptions(base)).toEqual({
      set: undefined,
      idleTimeoutMs: 15_000,
      minBytesPerSecond: 1024,
      streamDeadlineMs: 3_600_000,
      maxResumes: 5,
      maxReplayBytes: 64 * 1024 * 1024,
      resubscribeRetryMs: 1_000,
      verifyCatBytes: 0,
    })
  })

  it('args: Infinity disables the stream deadline; 0 disables the minimum rate and resumes', () => {
    const s = checkKuboOptions({
      ...base,
      streamDeadlineMs: Number.POSITIVE_INFINITY,
      streamMinBytesPerSecond: 0,
      maxResumes: 0,
      verifyCat: { maxBytes: 10 },
    })
    expect(s).toMatchObject({ streamDeadlineMs: Infinity, minBytesPerSecond: 0, maxResumes: 0 })
    expect(s.verifyCatBytes).toBe(10)
  })

  it('args: an EndpointSet is accepted as set', () => {
    const set = createEndpointSet(base)
    expect(checkKuboOptions({ ...base, set }).set).toBe(set)
    void set.close()
  })

  it.each([
    [{ streamIdleTimeoutMs: 0 }, 'streamIdleTimeoutMs'],
    [{ streamIdleTimeoutMs: MAX_TIMER_MS + 1 }, 'streamIdleTimeoutMs'],
    [{ streamIdleTimeoutMs: Number.POSITIVE_INFINITY }, 'streamIdleTimeoutMs'],
    [{ streamDeadlineMs: MAX_TIMER_MS + 1 }, 'streamDeadlineMs'],
    [{ streamMinBytesPerSecond: Number.POSITIVE_INFINITY }, 'streamMinBytesPerSecond'],
    [{ maxResumes: 1.5 }, 'maxResumes'],
    [{ set: { endpoints: [] } }, 'set'],
    [{ probe: { command: 'ls' } }, 'probe.command'],
    [{ probe: { minPeers: -1 } }, 'probe.minPeers'],
    [{ stickyEndpoint: 1 }, 'stickyEndpoint'],
    [{ verifyCat: { maxBytes: 0 } }, 'verifyCat.maxBytes'],
    [{ attemptTimeoutMS: 500 }, 'attemptTimeoutMS'],
    [{ url: 'http://127.0.0.1:5001' }, 'url'],
  ])('error: %j is a ConfigError naming %s', (options, field) => {
    expect(fieldOf(options)).toBe(field)
  })

  it('error: options that are not an object', () => {
    expect(() => checkKuboOptions(undefined as never)).toThrow(ConfigError)
  })
})
