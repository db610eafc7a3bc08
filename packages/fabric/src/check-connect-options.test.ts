import { ConfigError } from '@steadfast/core'
import { createThrowawayCa } from '@steadfast/testkit'
import { describe, expect, it } from 'vitest'
import { connectFailover } from './connect-failover.js'

const identity = { mspId: 'Org1MSP', credentials: new Uint8Array([1]) }
const peer = { address: '127.0.0.1:7051' }
const ca = createThrowawayCa()
const client = ca.issue({ commonName: 'app', usage: 'client' })

/** connectFailover (no I/O happens) → 'accepted' (closed again), or the ConfigError's field. */
async function field(options: Record<string, unknown>): Promise<string> {
  try {
    const g = connectFailover({ peers: [peer], identity, ...options } as never)
    await g.close()
    return 'accepted'
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe('INVALID_CONFIG')
    return (error as ConfigError).field
  }
}
const withPeer = (extra: Record<string, unknown>) => ({ peers: [{ ...peer, ...extra }] })

describe('connectFailover options validation', () => {
  it.each([
    [{ deadlines: { evaluateMs: -1 } }, 'deadlines.evaluateMs'],
    [{ deadlines: { endorseMs: 'soon' } }, 'deadlines.endorseMs'],
    [{ deadlines: { submitMs: 0 } }, 'deadlines.submitMs'],
    [{ deadlines: { commitStatusMs: Number.NaN } }, 'deadlines.commitStatusMs'],
    [{ deadlines: { evaluate: 1000 } }, 'deadlines.evaluate'],
    [{ deadlines: 5000 }, 'deadlines'],
    [{ keepaliveMs: 'x' }, 'keepaliveMs'],
    [{ keepaliveMs: 0 }, 'keepaliveMs'],
    [{ maxConnectionAgeJitter: 5 }, 'maxConnectionAgeJitter'],
    [{ maxConnectionAgeJitter: -0.1 }, 'maxConnectionAgeJitter'],
    [{ maxConnectionAgeMs: 0 }, 'maxConnectionAgeMs'],
    [{ drainTimeoutMs: -1 }, 'drainTimeoutMs'],
    [{ commitStatusHedgeMs: 'x' }, 'commitStatusHedgeMs'],
    [{ channelName: '' }, 'channelName'],
    [{ shouldFailover: 'yes' }, 'shouldFailover'],
    [{ probe: {} }, 'probe'],
    [{ signer: 'key' }, 'signer'],
    [{ hash: 1 }, 'hash'],
    [{ evaluateOptions: { deadline: 1 } }, 'evaluateOptions'],
    [{ chaincodeEventsOptions: 1 }, 'chaincodeEventsOptions'],
    [{ tlsClientCertificateHash: 'abc' }, 'tlsClientCertificateHash'],
    [{ identity: undefined }, 'identity'],
    [{ identity: 'Org1MSP' }, 'identity'],
    [{ identity: { mspId: '', credentials: new Uint8Array() } }, 'identity.mspId'],
    [{ identity: { mspId: 'Org1MSP', credentials: 'pem' } }, 'identity.credentials'],
    [{ set: 'x' }, 'set'],
    // fabric-gateway's own `client` is not used (one per peer is made): refused, like a typo.
    [{ client: {} }, 'client'],
    [{ deadline: { evaluateMs: 1 } }, 'deadline'],
    [{ set: { endpoints: ['http://a:1'] } }, 'set.endpoints'],
    [{ set: { failbackAfterMs: -1 } }, 'failbackAfterMs'],
    // Falsy values used to be skipped silently.
    [{ health: 0 }, 'health'],
    [{ outlier: '' }, 'outlier'],
    [withPeer({ healthzUrl: 'not a url' }), 'peers[0].healthzUrl'],
    [withPeer({ healthzUrl: 'ftp://peer0:9443/healthz' }), 'peers[0].healthzUrl'],
    [withPeer({ healthzUrl: 9443 }), 'peers[0].healthzUrl'],
    [withPeer({ id: '' }), 'peers[0].id'],
    [withPeer({ weight: 0 }), 'peers[0].weight'],
    [withPeer({ priority: 'high' }), 'peers[0].priority'],
    [withPeer({ labels: { zone: 1 } }), 'peers[0].labels.zone'],
    [withPeer({ headers: { 'bad key': 'v' } }), 'peers[0].headers.bad key'],
    [withPeer({ headers: { 'x-sig-bin': 'v' } }), 'peers[0].headers.x-sig-bin'],
    [withPeer({ headers: { authorization: 'Bearer é' } }), 'peers[0].headers.authorization'],
    [withPeer({ grpcOptions: { 'grpc.x': {} } }), 'peers[0].grpcOptions.grpc.x'],
    [withPeer({ grpcOptions: 'x' }), 'peers[0].grpcOptions'],
    [withPeer({ serverNameOverride: 7 }), 'peers[0].serverNameOverride'],
    [withPeer({ tlsRootCert: 'PEM' }), 'peers[0].tlsRootCert'],
    [withPeer({ tlsRootCert: Buffer.from('garbage') }), 'peers[0].tlsRootCert'],
    [
      withPeer({ tlsRootCert: ca.certificate, tlsClientCert: client.certificate }),
      'peers[0].tlsClientKey',
    ],
    [
      withPeer({ tlsClientCert: client.certificate, tlsClientKey: client.privateKey }),
      'peers[0].tlsRootCert',
    ],
    [
      withPeer({
        tlsRootCert: ca.certificate,
        tlsClientCert: client.certificate,
        tlsClientKey: Buffer.from('k'),
      }),
      'peers[0].tlsClientKey',
    ],
    [withPeer({ healthzURL: 'http://peer0:9443/healthz' }), 'peers[0].healthzURL'],
    [{ peers: [null] }, 'peers[0]'],
  ])('error: %o is rejected at %s', async (options, expected) => {
    expect(await field(options)).toBe(expected)
  })

  it('error: a client key is never shown', async () => {
    const key = Buffer.from(
      '-----BEGIN PRIVATE KEY-----\nc2VjcmV0a2V5\n-----END PRIVATE KEY-----\n',
    )
    const options = withPeer({
      tlsRootCert: ca.certificate,
      tlsClientCert: client.certificate,
      tlsClientKey: key,
    })
    const error = (() => {
      try {
        connectFailover({ identity, ...options } as never)
      } catch (e) {
        return e as ConfigError
      }
    })()
    expect(error?.field).toBe('peers[0].tlsClientKey')
    expect(`${error?.message} ${String(error?.value)}`).not.toContain('c2VjcmV0a2V5')
  })

  it('behavior: valid values of every option are accepted', async () => {
    const all = {
      peers: [
        {
          ...peer,
          id: 'p0',
          tlsRootCert: ca.certificate,
          tlsClientCert: client.certificate,
          tlsClientKey: client.privateKey,
          serverNameOverride: 'peer0.org1.example.com',
          headers: { authorization: 'Bearer abc' },
          priority: 1,
          weight: 2,
          healthzUrl: 'http://127.0.0.1:9443/healthz',
          grpcOptions: { 'grpc.max_receive_message_length': 1024, 'grpc.primary_user_agent': 'x' },
          labels: { zone: 'a' },
        },
      ],
      deadlines: { evaluateMs: 1, endorseMs: 2, submitMs: 3, commitStatusMs: 4 },
      keepaliveMs: 30_000,
      maxConnectionAgeMs: 60_000,
      maxConnectionAgeJitter: 0,
      drainTimeoutMs: 0,
      commitStatusHedgeMs: 0,
      channelName: 'mychannel',
      evaluateOptions: () => ({}),
      set: { failbackAfterMs: 0 },
    }
    expect(await field(all)).toBe('accepted')
  })
})
