import { describe, expect, it } from 'vitest'
import { degradations, type EvmProbeOptions } from './evm-probe.js'

/** The answers of one probe batch, in the order evmProbe asks them. */
function probe(options: EvmProbeOptions, answers: Record<string, unknown>): string[] {
  const methods = ['eth_chainId', 'eth_blockNumber', 'eth_syncing']
  if (options.minPeers !== undefined) methods.push('net_peerCount')
  if (options.consensus === 'raft') methods.push('raft_role')
  else if (options.consensus !== undefined) methods.push(`${options.consensus}_isValidator`)
  const all: Record<string, unknown> = {
    eth_chainId: '0x539',
    eth_blockNumber: '0x10',
    eth_syncing: false,
    ...answers,
  }
  return degradations(options, methods, (i) => all[methods[i]!])
}

describe('evm probe degradations (GoQuorum checks)', () => {
  it('behavior: a synced node with no optional checks is not degraded', () => {
    expect(probe({}, {})).toEqual([])
  })

  it('behavior: a syncing node is degraded', () => {
    expect(probe({}, { eth_syncing: { currentBlock: '0x1', highestBlock: '0x9' } })).toEqual([
      'syncing',
    ])
  })

  it.each([
    [3, '0x3', []],
    [3, '0x2', ['peers 2 < 3']],
    [1, undefined, ['peers ? < 1']],
  ])('behavior: minPeers %d with net_peerCount %s', (minPeers, count, expected) => {
    expect(probe({ minPeers }, { net_peerCount: count })).toEqual(expected)
  })

  it.each([
    ['minter', []],
    ['verifier', []],
    ['learner', []],
    ['', ['raft role ']],
    [undefined, ['raft role undefined']],
  ])('behavior: raft_role %j', (role, expected) => {
    expect(probe({ consensus: 'raft' }, { raft_role: role })).toEqual(expected)
  })

  it.each(['istanbul', 'qbft'] as const)(
    'behavior: %s_isValidator must answer; requireValidator needs true',
    (ns) => {
      const method = `${ns}_isValidator`
      expect(probe({ consensus: ns }, { [method]: false })).toEqual([])
      expect(probe({ consensus: ns }, { [method]: true })).toEqual([])
      expect(probe({ consensus: ns }, {})).toEqual([`${ns}_isValidator unanswered`])
      expect(probe({ consensus: ns, requireValidator: true }, { [method]: false })).toEqual([
        'not a validator',
      ])
      expect(probe({ consensus: ns, requireValidator: true }, { [method]: true })).toEqual([])
    },
  )

  it('behavior: every problem is reported, not only the first', () => {
    expect(
      probe(
        { minPeers: 2, consensus: 'qbft', requireValidator: true },
        {
          eth_syncing: { currentBlock: '0x1' },
          net_peerCount: '0x1',
          qbft_isValidator: false,
        },
      ),
    ).toEqual(['syncing', 'peers 1 < 2', 'not a validator'])
  })
})
