import { expect, it } from 'vitest'
import * as core from './index.js'

it('exports: the public surface is explicit', () => {
  expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
    [
      "AbortedError",
      "AttemptTimeoutError",
      "ConfigError",
      "DeadlineExceededError",
      "ENDPOINT_STATES",
      "EndpointsExhaustedError",
      "InvalidTransitionError",
      "NoEndpointAvailableError",
      "SteadfastError",
      "backoffDelay",
      "canTransition",
      "checkBoolean",
      "checkFunction",
      "checkNumber",
      "checkOneOf",
      "checkSignal",
      "checkString",
      "checkStringMap",
      "checkUrl",
      "createEndpointSet",
      "dnsDiscovery",
      "isRecord",
      "isUsable",
      "leastLatencyPolicy",
      "optObject",
      "p2cPolicy",
      "policies",
      "priorityPolicy",
      "redactText",
      "redactUrl",
      "roundRobinPolicy",
      "staticDiscovery",
      "transition",
      "weightedPolicy",
    ]
  `)
})
