import { expect, it } from 'vitest'
import * as api from './index.js'

it('behavior: the public surface is exactly this list (a change here is an API change)', () => {
  expect(Object.keys(api).sort()).toEqual([
    'ENDPOINT_STATES',
    'InsecureBindError',
    'ListenError',
    'MAX_TTL_MS',
    'MONITOR_DEFAULTS',
    'MetricsConflictError',
    'createMonitorHandler',
    'findEndpoints',
    'hostPort',
    'isLoopback',
    'labelRule',
    'parseAlertmanagerPayload',
    'parseDuration',
    'startMonitor',
  ])
})
