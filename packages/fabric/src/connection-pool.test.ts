import { connectivityState } from '@grpc/grpc-js'
import type { Endpoint } from '@steadfast/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConnectionPool, peerConnectionFactory } from './connection-pool.js'
import type { FailoverConnectOptions } from './failover-options.js'
import type { PeerConnection } from './peer-connection.js'

// Real grpc-js clients to an address nobody listens on: a client connects on first call only.
const endpoint = {
  id: 'p0',
  url: 'grpc://127.0.0.1:1',
  redactedUrl: 'grpc://127.0.0.1:1',
} as Endpoint
const options = {
  peers: [{ address: '127.0.0.1:1' }],
  identity: { mspId: 'Org1MSP', credentials: new Uint8Array([1]) },
} as FailoverConnectOptions
const create = peerConnectionFactory(new Map([['p0', { address: '127.0.0.1:1' }]]), options)
const shutDown = (conn: PeerConnection) =>
  conn.client.getChannel().getConnectivityState(false) === connectivityState.SHUTDOWN

let pool: ConnectionPool | undefined
afterEach(() => {
  pool?.close()
  vi.useRealTimers()
})

describe('ConnectionPool', () => {
  it('behavior: a rotation sends new calls to a new connection and closes the old one once drained', async () => {
    pool = new ConnectionPool({ create, drainTimeoutMs: 60_000 })
    const old = pool.get(endpoint)
    const release = old.track()
    const rotated: PeerConnection[] = []
    pool.onRotate((c) => rotated.push(c))
    pool.rotate('p0')
    const fresh = pool.get(endpoint)
    expect(fresh).not.toBe(old)
    expect(rotated).toEqual([old])
    expect([old.retired, shutDown(old)]).toEqual([true, false]) // in-flight call still running
    release()
    await vi.waitFor(() => expect(shutDown(old)).toBe(true))
    expect(shutDown(fresh)).toBe(false)
  })

  it('behavior: the drain timeout cancels calls still running on a replaced connection', async () => {
    vi.useFakeTimers()
    pool = new ConnectionPool({ create, drainTimeoutMs: 5_000 })
    const old = pool.get(endpoint)
    old.track()
    pool.rotate('p0')
    await vi.advanceTimersByTimeAsync(4_000)
    expect(old.drainSignal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1_500)
    expect([old.drainSignal.aborted, shutDown(old)]).toEqual([true, true])
  })

  it('behavior: a connection reaching its maximum age (with jitter) asks for a rotation', async () => {
    vi.useFakeTimers()
    const aged: string[] = []
    pool = new ConnectionPool({
      create,
      drainTimeoutMs: 1_000,
      maxConnectionAgeMs: 10_000,
      maxConnectionAgeJitter: 0.2,
      random: () => 0, // the shortest age: 10 s - 20%
      onMaxAge: (e) => aged.push(e.id),
    })
    pool.get(endpoint)
    await vi.advanceTimersByTimeAsync(7_999)
    expect(aged).toEqual([])
    await vi.advanceTimersByTimeAsync(2)
    expect(aged).toEqual(['p0'])
  })

  it('behavior: close() closes live and draining connections', () => {
    pool = new ConnectionPool({ create, drainTimeoutMs: 60_000 })
    const old = pool.get(endpoint)
    old.track()
    pool.rotate('p0')
    const fresh = pool.get(endpoint)
    pool.close()
    expect([shutDown(old), shutDown(fresh)]).toEqual([true, true])
    expect(() => pool?.get(endpoint)).toThrow(/closed/)
  })
})
