/**
 * Hostile configuration: fast-check over every public options object. A bad value must give
 * core's `ConfigError` (code INVALID_CONFIG) naming the field, never a TypeError, never a crash,
 * never a half-built object left running.
 */
import { generateKeyPairSync } from 'node:crypto'
import { inspect } from 'node:util'
import { ConfigError, createEndpointSet, SteadfastError } from '@steadfast/core'
import { FailoverProvider } from '@steadfast/ethers'
import { connectFailover } from '@steadfast/fabric'
import { createFailoverKubo } from '@steadfast/kubo'
import { startMonitor } from '@steadfast/monitor'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { flush, tally } from '../chaos/support/figures.js'
import { hash, signers } from '../chaos/support/libs.js'

const RUNS = process.env.STEADFAST_CHAOS === 'long' ? 300 : 40

type Ctor = 'ethers' | 'fabric' | 'kubo' | 'monitor' | 'core'

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const fabricBase = {
  peers: [{ address: '127.0.0.1:1' }],
  identity: { mspId: 'Org1MSP', credentials: new Uint8Array([1]) },
  signer: signers.newPrivateKeySigner(privateKey),
  hash: hash.sha256,
  channelName: 'mychannel',
}
const monitorSet = createEndpointSet({ name: 'fuzz', endpoints: ['http://127.0.0.1:1'] })
afterAll(async () => {
  await monitorSet.close()
  flush()
})

/** Builds the constructor's object with `patch` applied to its options (or first endpoint). */
async function build(ctor: Ctor, patch: Record<string, unknown>, where: 'options' | 'endpoint') {
  const ep = { url: 'http://127.0.0.1:1', ...patch }
  switch (ctor) {
    case 'ethers': {
      const p =
        where === 'endpoint'
          ? new FailoverProvider([ep as never], 1337)
          : new FailoverProvider(['http://127.0.0.1:1'], 1337, patch as never)
      return () => p.close()
    }
    case 'fabric': {
      const peers = where === 'endpoint' ? [{ address: '127.0.0.1:1', ...patch }] : undefined
      const g = connectFailover({ ...fabricBase, ...(peers ? { peers } : patch) } as never)
      return () => g.close()
    }
    case 'kubo': {
      const k = createFailoverKubo(
        (where === 'endpoint'
          ? { endpoints: [ep] }
          : { endpoints: ['http://127.0.0.1:1'], ...patch }) as never,
      )
      return () => k.failover.close()
    }
    case 'monitor': {
      const m = await startMonitor({ sets: [monitorSet], port: 0, ...patch } as never)
      return () => m.close()
    }
    case 'core': {
      const s = createEndpointSet(
        (where === 'endpoint'
          ? { endpoints: [ep] }
          : { endpoints: ['http://127.0.0.1:1'], ...patch }) as never,
      )
      return () => s.close()
    }
  }
}

/** Runs `build`; resolves 'accepted' (and closes it) or the thrown error. */
async function outcome(ctor: Ctor, patch: Record<string, unknown>, where: 'options' | 'endpoint') {
  try {
    const close = await build(ctor, patch, where)
    await close()
    return 'accepted' as const
  } catch (error) {
    return error
  }
}

/** A label for any value, even a null-prototype object. */
const show = (v: unknown) => inspect(v, { depth: 2, breakLength: Number.POSITIVE_INFINITY })

// ---- bad values ----------------------------------------------------------------------------
const notNumber = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.object({ maxDepth: 1 }),
  fc.array(fc.integer(), { maxLength: 2 }),
)
const badMs = fc.oneof(
  fc.integer({ max: -1 }),
  fc.constant(Number.NaN),
  fc.constant(Number.NEGATIVE_INFINITY),
  notNumber,
)
const badCount = fc.oneof(badMs, fc.double({ min: 0.01, max: 0.99, noNaN: true }))
const notString = fc.oneof(fc.integer(), fc.boolean(), fc.object({ maxDepth: 1 }))
const notFunction = fc.oneof(fc.integer(), fc.string(), fc.object({ maxDepth: 1 }))
const notObject = fc.oneof(fc.integer(), fc.string({ minLength: 1 }), fc.boolean())
const badUrlText = fc.constantFrom('', 'not a url', 'ftp://x', '://', 'http://', 'javascript:x')
const badUrl = fc.oneof(badUrlText, notString)
const notBoolean = fc.oneof(fc.integer(), fc.string(), fc.object({ maxDepth: 1 }))
/** Any value that is not a finite number (a negative one may be valid, e.g. cacheTimeout). */
const notFinite = fc.oneof(
  notNumber,
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
)
const badMsOrZero = fc.oneof(badMs, fc.constant(0))

/**
 * Fields that validate today: each bad value throws ConfigError whose `field` matches.
 * [constructor, where, option key, arbitrary of bad values, expected field pattern]
 */
const VALIDATED: Array<[Ctor, 'options' | 'endpoint', string, fc.Arbitrary<unknown>, RegExp]> = [
  ['ethers', 'options', 'attemptTimeoutMs', badMs, /^attemptTimeoutMs$/],
  ['ethers', 'options', 'deadlineMs', badMs, /^deadlineMs$/],
  ['ethers', 'options', 'maxAttempts', badCount, /^maxAttempts$/],
  ['ethers', 'options', 'probeIntervalMs', badMsOrZero, /^probeIntervalMs$/],
  ['ethers', 'options', 'probeTimeoutMs', badMsOrZero, /^probeTimeoutMs$/],
  ['ethers', 'options', 'maxLag', badMs, /^maxLag$/],
  ['ethers', 'options', 'failbackAfterMs', badMs, /^failbackAfterMs$/],
  ['ethers', 'options', 'policy', fc.constantFrom('nope', 'ROUNDROBIN', 42), /^policy$/],
  ['ethers', 'options', 'shouldFailover', notFunction, /^shouldFailover$/],
  ['ethers', 'options', 'random', notFunction, /^random$/],
  ['ethers', 'options', 'outlier', notObject, /^outlier/],
  [
    'ethers',
    'options',
    'hedge',
    fc.oneof(fc.constantFrom(null, true), fc.integer(), fc.string()),
    /^hedge$/,
  ],
  ['ethers', 'options', 'maxResponseBytes', badCount, /^maxResponseBytes$/],
  ['ethers', 'options', 'maxSockets', badCount, /^maxSockets$/],
  ['ethers', 'options', 'rebroadcastAfterMs', badMsOrZero, /^rebroadcastAfterMs$/],
  ['ethers', 'options', 'propagationGraceMs', badMs, /^propagationGraceMs$/],
  ['ethers', 'options', 'preset', fc.constantFrom('fastest', 'toString', '', 1), /^preset$/],
  [
    'ethers',
    'options',
    'chainId',
    fc.oneof(badCount, fc.constant(0), fc.constant(1n)),
    /^chainId$/,
  ],
  ['ethers', 'options', 'headers', fc.oneof(notObject, fc.constant({ 'a b': 'x' })), /^headers/],
  ['ethers', 'options', 'probe', fc.oneof(notObject, fc.constant({ minPeer: 1 })), /^probe/],
  ['ethers', 'options', 'polling', notBoolean, /^polling$/],
  ['ethers', 'options', 'staticNetwork', fc.oneof(notBoolean, fc.constant(0)), /^staticNetwork$/],
  ['ethers', 'options', 'batchMaxCount', badCount, /^batchMaxCount$/],
  ['ethers', 'options', 'batchMaxSize', badCount, /^batchMaxSize$/],
  ['ethers', 'options', 'batchStallTime', badMs, /^batchStallTime$/],
  ['ethers', 'options', 'cacheTimeout', notFinite, /^cacheTimeout$/],
  ['ethers', 'options', 'pollingInterval', badMsOrZero, /^pollingInterval$/],
  ['ethers', 'endpoint', 'url', badUrl, /^endpoints\[0\]\.url$/],
  ['ethers', 'endpoint', 'tessera', badUrl, /^endpoints\[0\]\.tessera$/],
  ['ethers', 'endpoint', 'weight', badMs, /^endpoints\[0\]\.weight$/],
  ['ethers', 'endpoint', 'timeoutMs', badMs, /^endpoints\[0\]\.timeoutMs$/],
  ['ethers', 'endpoint', 'headers', notObject, /^endpoints\[0\]\.headers/],
  ['fabric', 'options', 'policy', fc.constantFrom('nope', 7), /^policy$/],
  ['fabric', 'options', 'maxLag', badMs, /^maxLag$/],
  ['fabric', 'options', 'health', fc.constantFrom('x', 5, -1), /^health/],
  ['fabric', 'endpoint', 'address', badUrl, /^peers\[0\]\.address$/],
  ['fabric', 'endpoint', 'weight', badMs, /^peers\[0\]\.weight$/],
  ['fabric', 'endpoint', 'healthzUrl', badUrl, /^peers\[0\]\.healthzUrl$/],
  [
    'fabric',
    'endpoint',
    'headers',
    fc.oneof(notObject, fc.constant({ 'a b': 'x' })),
    /^peers\[0\]\.headers/,
  ],
  ['fabric', 'endpoint', 'grpcOptions', notObject, /^peers\[0\]\.grpcOptions$/],
  [
    'fabric',
    'endpoint',
    'tlsRootCert',
    fc.oneof(fc.string(), fc.integer(), fc.uint8Array({ maxLength: 8 })),
    /^peers\[0\]\.tlsRootCert$/,
  ],
  [
    'fabric',
    'options',
    'deadlines',
    fc.oneof(notObject, fc.record({ evaluateMs: badMsOrZero })),
    /^deadlines/,
  ],
  ['fabric', 'options', 'keepaliveMs', badMsOrZero, /^keepaliveMs$/],
  ['fabric', 'options', 'maxConnectionAgeMs', badMsOrZero, /^maxConnectionAgeMs$/],
  [
    'fabric',
    'options',
    'maxConnectionAgeJitter',
    fc.oneof(badMs, fc.double({ min: 1.001, max: 1e9, noNaN: true })),
    /^maxConnectionAgeJitter$/,
  ],
  ['fabric', 'options', 'drainTimeoutMs', badMs, /^drainTimeoutMs$/],
  ['fabric', 'options', 'commitStatusHedgeMs', badMs, /^commitStatusHedgeMs$/],
  ['fabric', 'options', 'channelName', fc.oneof(notString, fc.constant('')), /^channelName$/],
  ['fabric', 'options', 'shouldFailover', notFunction, /^shouldFailover$/],
  ['fabric', 'options', 'probe', notFunction, /^probe$/],
  ['fabric', 'options', 'identity', notObject, /^identity/],
  ['fabric', 'options', 'set', notObject, /^set$/],
  ['kubo', 'options', 'attemptTimeoutMs', badMs, /^attemptTimeoutMs$/],
  ['kubo', 'options', 'deadlineMs', badMs, /^deadlineMs$/],
  ['kubo', 'options', 'maxAttempts', badCount, /^maxAttempts$/],
  ['kubo', 'options', 'policy', fc.constantFrom('nope', 1), /^policy$/],
  ['kubo', 'options', 'stickyEndpoint', fc.constantFrom('nope', 'http://10.9.9.9:1'), /^sticky/],
  ['kubo', 'endpoint', 'url', badUrl, /^endpoints\[0\]\.url$/],
  [
    'kubo',
    'options',
    'set',
    fc.oneof(fc.constant(null), notObject, fc.object({ maxDepth: 1 })),
    /^set$/,
  ],
  ['kubo', 'options', 'streamIdleTimeoutMs', badMs, /^streamIdleTimeoutMs$/],
  ['kubo', 'options', 'streamMinBytesPerSecond', badMs, /^streamMinBytesPerSecond$/],
  ['kubo', 'options', 'streamDeadlineMs', badMs, /^streamDeadlineMs$/],
  ['kubo', 'options', 'maxResumes', badCount, /^maxResumes$/],
  ['kubo', 'options', 'maxReplayBytes', badCount, /^maxReplayBytes$/],
  ['kubo', 'options', 'resubscribeRetryMs', badMs, /^resubscribeRetryMs$/],
  [
    'kubo',
    'options',
    'verifyCat',
    fc.oneof(
      fc.integer(),
      fc.string(),
      fc.constantFrom({}, { maxBytes: -1 }, { maxBytes: 0.5 }, { maxBytes: '1' }),
    ),
    /^verifyCat/,
  ],
  ['kubo', 'options', 'shouldFailover', notFunction, /^shouldFailover$/],
  ['kubo', 'options', 'onSubscriptionGap', notFunction, /^onSubscriptionGap$/],
  ['kubo', 'options', 'probe', fc.oneof(fc.integer(), fc.string(), fc.constant(true)), /^probe$/],
  ['kubo', 'options', 'kubo', notObject, /^kubo$/],
  ['monitor', 'options', 'port', fc.oneof(fc.integer({ min: 65536 }), badMs), /^port$/],
  ['monitor', 'options', 'host', notString, /^host$/],
  [
    'monitor',
    'options',
    'token',
    fc.oneof(fc.string({ maxLength: 15 }), notString, fc.constant('sixteen chars ok')),
    /^token$/,
  ],
  [
    'monitor',
    'options',
    'requiredSets',
    fc.oneof(notObject, fc.constant(['nope'])),
    /^requiredSets/,
  ],
  ['monitor', 'options', 'signal', fc.oneof(notObject, fc.object({ maxDepth: 1 })), /^signal$/],
  ['monitor', 'options', 'registry', fc.oneof(notObject, fc.object({ maxDepth: 1 })), /^registry$/],
  [
    'monitor',
    'options',
    'alertLabelMapping',
    fc.oneof(notObject, fc.constant([]), fc.constant({ sett: 'x' })),
    /^alertLabelMapping/,
  ],
  ['monitor', 'options', 'allowedHosts', fc.oneof(notObject, fc.constant([''])), /^allowedHosts$/],
  ['monitor', 'options', 'bodyLimitBytes', badCount, /^bodyLimitBytes$/],
  ['monitor', 'options', 'requestTimeoutMs', badMs, /^requestTimeoutMs$/],
  ['monitor', 'options', 'alertAction', fc.constantFrom('delete', 1), /^alertAction$/],
  ['monitor', 'options', 'metricPrefix', fc.constantFrom('1x', 'a-b', 'é', ''), /^metricPrefix$/],
  ['monitor', 'options', 'sets', fc.oneof(fc.constant([]), notObject), /^sets/],
  // An unknown key (a typo) reaches nothing: refused, whatever its value.
  ['ethers', 'options', 'maxAttempt', fc.anything({ maxDepth: 1 }), /^maxAttempt$/],
  ['fabric', 'options', 'client', fc.anything({ maxDepth: 1 }), /^client$/],
  ['monitor', 'options', 'allowedHost', fc.anything({ maxDepth: 1 }), /^allowedHost$/],
  ['kubo', 'options', 'attemptTimeoutMS', fc.anything({ maxDepth: 1 }), /^attemptTimeoutMS$/],
  ['core', 'options', 'deadlineMs', badMs, /^deadlineMs$/],
  ['core', 'options', 'policy', fc.constantFrom('nope', 3), /^policy$/],
  ['core', 'endpoint', 'priority', notNumber, /^endpoints\[0\]\.priority$/],
  ['core', 'endpoint', 'url', badUrl, /^endpoints\[0\]\.url$/],
]

describe('fuzz: every validated option rejects bad values with ConfigError naming it', () => {
  it.each(VALIDATED)(
    '%s %s.%s: bad values give ConfigError with the field',
    async (ctor, where, key, bad, field) => {
      await fc.assert(
        fc.asyncProperty(bad, async (value) => {
          const r = await outcome(ctor, { [key]: value }, where)
          tally('badConfigs')
          expect(r, `${ctor} ${key}=${show(value)}`).toBeInstanceOf(ConfigError)
          expect((r as ConfigError).code).toBe('INVALID_CONFIG')
          expect((r as ConfigError).field).toMatch(field)
        }),
        { numRuns: RUNS },
      )
    },
  )
})

/** Every key any constructor reads, fed anything: only 'accepted' or a SteadfastError. */
const KEYS: Record<Ctor, string[]> = {
  ethers: [
    'preset',
    'policy',
    'name',
    'chainId',
    'probeIntervalMs',
    'probeTimeoutMs',
    'probe',
    'attemptTimeoutMs',
    'deadlineMs',
    'maxAttempts',
    'maxLag',
    'failbackAfterMs',
    'outlier',
    'shouldFailover',
    'maxResponseBytes',
    'maxSockets',
    'headers',
    'random',
    'hedge',
    'rebroadcastAfterMs',
    'propagationGraceMs',
    // ethers' own JsonRpcApiProviderOptions
    'polling',
    'staticNetwork',
    'batchStallTime',
    'batchMaxSize',
    'batchMaxCount',
    'cacheTimeout',
    'pollingInterval',
  ],
  fabric: [
    'channelName',
    'policy',
    'deadlines',
    'health',
    'outlier',
    'maxLag',
    'commitStatusHedgeMs',
    'name',
    'keepaliveMs',
    'maxConnectionAgeMs',
    'maxConnectionAgeJitter',
    'drainTimeoutMs',
    'shouldFailover',
    'probe',
    'set',
    'identity',
    'signer',
    'hash',
    'tlsClientCertificateHash',
    'evaluateOptions',
    'blockEventsOptions',
  ],
  kubo: [
    'policy',
    'attemptTimeoutMs',
    'deadlineMs',
    'maxAttempts',
    'health',
    'hedge',
    'outlier',
    'stickyEndpoint',
    'streamIdleTimeoutMs',
    'streamMinBytesPerSecond',
    'streamDeadlineMs',
    'maxResumes',
    'maxReplayBytes',
    'resubscribeRetryMs',
    'verifyCat',
    'probe',
    'set',
    'kubo',
  ],
  monitor: [
    'token',
    'metricPrefix',
    'bodyLimitBytes',
    'alertLabelMapping',
    'alertAction',
    'allowedHosts',
    'port',
    'host',
    'requestTimeoutMs',
    'requiredSets',
    'signal',
    'registry',
  ],
  core: [
    'name',
    'policy',
    'health',
    'outlier',
    'hedge',
    'maxAttempts',
    'deadlineMs',
    'attemptTimeoutMs',
    'maxLag',
  ],
}
const ENDPOINT_KEYS = ['url', 'id', 'priority', 'weight', 'labels', 'headers', 'timeoutMs']
const FABRIC_PEER_KEYS = [
  'address',
  'id',
  'priority',
  'weight',
  'labels',
  'headers',
  'healthzUrl',
  'serverNameOverride',
  'grpcOptions',
  'tlsRootCert',
  'tlsClientCert',
  'tlsClientKey',
]

describe('fuzz: arbitrary option objects never crash with anything but a typed error', () => {
  it.each(Object.keys(KEYS) as Ctor[])(
    '%s: options of any shape are accepted or ConfigError/SteadfastError',
    async (ctor) => {
      const keys = KEYS[ctor]
      const options = fc.dictionary(fc.constantFrom(...keys), fc.anything({ maxDepth: 2 }), {
        maxKeys: 3,
      })
      await fc.assert(
        fc.asyncProperty(options, async (patch) => {
          // A public port on 0.0.0.0 without a token is refused by design (InsecureBindError).
          if (ctor === 'monitor' && typeof patch.port === 'number') patch.port = 0
          // A valid but long batch stall would only make close() (which waits for it) slow.
          if (typeof patch.batchStallTime === 'number' && patch.batchStallTime > 10) {
            patch.batchStallTime = 10
          }
          const r = await outcome(ctor, patch, 'options')
          tally('badConfigs')
          if (r !== 'accepted') {
            expect(r, `${ctor} ${show(patch)}`).toBeInstanceOf(SteadfastError)
            expect((r as SteadfastError).code).toMatch(/^[A-Z_]+$/)
          }
        }),
        { numRuns: RUNS },
      )
    },
  )

  it.each(['ethers', 'fabric', 'kubo', 'core'] as Ctor[])(
    '%s: endpoint objects of any shape are accepted or ConfigError naming the endpoint',
    async (ctor) => {
      const keys =
        ctor === 'fabric'
          ? FABRIC_PEER_KEYS
          : ctor === 'ethers'
            ? [...ENDPOINT_KEYS, 'tessera']
            : ENDPOINT_KEYS
      const endpoint = fc.dictionary(fc.constantFrom(...keys), fc.anything({ maxDepth: 2 }), {
        maxKeys: 3,
      })
      await fc.assert(
        fc.asyncProperty(endpoint, async (patch) => {
          const r = await outcome(ctor, patch, 'endpoint')
          tally('badConfigs')
          if (r !== 'accepted') {
            expect(r).toBeInstanceOf(ConfigError)
            expect((r as ConfigError).field).toMatch(/^(endpoints|peers)\[0\]/)
          }
        }),
        { numRuns: RUNS },
      )
    },
  )
})
