import type { EndpointSet } from '@steadfast/core'
import { describe, expect, it } from 'vitest'
import { labelRule } from './alert-label-mapping.js'
import type { AlertmanagerAlert } from './alertmanager-payload.js'

/** Pure-logic stand-in: the rule reads only `name` and `endpoints` (id and url). */
const set = (name: string, eps: Array<[id: string, url: string]>) =>
  ({ name, endpoints: eps.map(([id, url]) => ({ id, url })) }) as unknown as EndpointSet
const sets = [
  set('evm', [
    ['n1', 'https://u:p@10.0.0.1/rpc?apikey=k'],
    ['n2', 'http://10.0.0.2:8545'],
  ]),
  set('ipfs', [['i2', 'http://10.0.0.2:5001']]),
]
const alert = (
  labels: Record<string, string>,
  status: 'firing' | 'resolved' = 'firing',
): AlertmanagerAlert => ({
  status,
  labels,
  annotations: {},
  fingerprint: 'f',
})
const rule = labelRule()

describe('labelRule (the default Alertmanager label mapping)', () => {
  it('behavior: instance matches URL host:port with default ports, across sets', () => {
    expect(rule(alert({ instance: '10.0.0.1:443' }), sets, 'cordon')).toEqual({
      targets: [{ set: 'evm', endpoint: 'n1', action: 'cordon' }],
    })
    expect(rule(alert({ instance: '10.0.0.2:5001' }), sets, 'cordon')).toEqual({
      targets: [{ set: 'ipfs', endpoint: 'i2', action: 'cordon' }],
    })
    expect(rule(alert({ instance: 'n2' }), sets, 'rebalance')).toEqual({
      targets: [{ set: 'evm', endpoint: 'n2', action: 'rebalance' }],
    })
  })

  it('behavior: steadfast_set narrows to one set; steadfast_endpoint beats instance', () => {
    const r = rule(
      alert({ steadfast_set: 'evm', steadfast_endpoint: 'n2', instance: '10.0.0.1:443' }),
      sets,
      'cordon',
    )
    expect(r).toEqual({ targets: [{ set: 'evm', endpoint: 'n2', action: 'cordon' }] })
    expect(
      rule(alert({ steadfast_set: 'evm', steadfast_action: 'rebalance' }), sets, 'cordon'),
    ).toEqual({
      targets: [{ set: 'evm', action: 'rebalance' }],
    })
  })

  it('behavior: action and ttl labels; hostOnly widens to the host when asked', () => {
    expect(rule(alert({ instance: 'n1', steadfast_ttl: '30m' }), sets, 'cordon')).toEqual({
      targets: [{ set: 'evm', endpoint: 'n1', action: 'cordon', ttlMs: 1_800_000 }],
    })
    expect(rule(alert({ instance: '10.0.0.2:9100' }), sets, 'cordon')).toEqual({
      unmatched: 'no endpoint matches label instance',
    })
    const wide = labelRule({ hostOnly: true })(alert({ instance: '10.0.0.2:9100' }), sets, 'cordon')
    expect(wide).toEqual({
      targets: [
        { set: 'evm', endpoint: 'n2', action: 'cordon' },
        { set: 'ipfs', endpoint: 'i2', action: 'cordon' },
      ],
    })
  })

  it('behavior: custom label names', () => {
    const custom = labelRule({ set: 'svc', endpoint: 'node', action: 'do' })
    expect(custom(alert({ svc: 'evm', node: 'n1', do: 'none' }), sets, 'cordon')).toEqual({
      targets: [{ set: 'evm', endpoint: 'n1', action: 'none' }],
    })
  })

  it('error: unmatched reasons instead of guesses', () => {
    expect(rule(alert({}), sets, 'cordon')).toEqual({
      unmatched: 'no steadfast_set, steadfast_endpoint or instance label',
    })
    expect(rule(alert({ instance: 'n1', steadfast_action: 'delete' }), sets, 'cordon')).toEqual({
      unmatched: 'label steadfast_action: unknown action',
    })
    expect(rule(alert({ instance: 'n1', steadfast_ttl: 'forever' }), sets, 'cordon')).toMatchObject(
      {
        unmatched: expect.stringContaining('steadfast_ttl'),
      },
    )
    expect(
      rule(alert({ steadfast_set: 'evm', steadfast_endpoint: 'zz' }), sets, 'rebalance'),
    ).toEqual({
      unmatched: 'no endpoint of set evm matches steadfast_endpoint',
    })
  })
})
