import { describe, expect, it } from 'vitest'
import { connectFailover } from './connect-failover.js'
import type { FailoverConnectOptions } from './failover-options.js'

const identity = { mspId: 'Org1MSP', credentials: new Uint8Array([1]) }
const connectWith = (peers: FailoverConnectOptions['peers']) => connectFailover({ peers, identity })

describe('connectFailover', () => {
  it('args: peers are named by id, else TLS name, else address; shared names get the address', async () => {
    const gateway = connectWith([
      { address: '127.0.0.1:7051', id: 'first' },
      { address: '127.0.0.1:7052', serverNameOverride: 'peer1.org1.example.com' },
      { address: '127.0.0.1:7053', serverNameOverride: 'gw.example.com' },
      { address: '127.0.0.1:7054', serverNameOverride: 'gw.example.com' },
      { address: '127.0.0.1:7055' },
    ])
    expect(gateway.status().map((s) => s.id)).toEqual([
      'first',
      'peer1.org1.example.com',
      'gw.example.com@127.0.0.1:7053',
      'gw.example.com@127.0.0.1:7054',
      '127.0.0.1:7055',
    ])
    // Nothing is dialled or probed before the first call.
    expect(gateway.status().every((s) => s.state === 'unknown')).toBe(true)
    await gateway.close()
  })

  it('error: a missing peer list or a malformed address is an INVALID_CONFIG naming the field', () => {
    expect(() => connectWith([])).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', field: 'peers' }),
    )
    expect(() => connectWith([{ address: 'grpcs://peer0:7051' }])).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', field: 'peers[0].address' }),
    )
  })

  it('error: a closed gateway refuses calls with CLOSED', async () => {
    const gateway = connectWith([{ address: '127.0.0.1:7051' }])
    await gateway.close()
    const call = gateway.getNetwork('mychannel').getContract('basic').evaluateTransaction('Ping')
    await expect(call).rejects.toMatchObject({ code: 'CLOSED' })
  })
})
