/**
 * Secrets: credentials planted in every place a URL can hold them (basic-auth userinfo, an
 * `?apikey=` / `?token=` query, an Infura-style `/v3/<32 hex>` path key), plus header values,
 * in the endpoints of all three adapters and behind the monitor. Failures are caused (refused,
 * hung, 500 quoting the request back), then every error with its cause chain, every event
 * payload, the monitor's pages and the CLI's output are searched for the secrets.
 */
import { execFile } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { inspect } from 'node:util'
import type { EndpointSet } from '@steadfast/core'
import { FailoverProvider } from '@steadfast/ethers'
import { connectFailover, type FailoverGateway } from '@steadfast/fabric'
import { createFailoverKubo } from '@steadfast/kubo'
import { type RunningMonitor, startMonitor } from '@steadfast/monitor'
import { type FabricNetwork, startFabricNetwork } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hash, signers } from '../chaos/support/libs.js'
import {
  type LocalServer,
  refusedPort,
  startEchoServer,
  startHangServer,
  startStatusServer,
} from './support/hostile-servers.js'

const USER = 'alice-basic-user'
const PASS = 'hunter2-basic-pass-7f3a'
const APIKEY = 'APIKEYf00dfeed1234567890'
const TOKEN_Q = 'TOKENq-9b8c7d6e5f4a3b2c'
const PATHKEY = '0123456789abcdef0123456789abcdef'.replace('0123', 'c0de')
const HEADER = 'HEADERsecret-5e6f7a8b9c0d'
const MONITOR_TOKEN = 'monitor-token-0123456789abcdef'
/** Every planted secret, and the Basic header value a client derives from the userinfo. */
const SECRETS = [
  PASS,
  APIKEY,
  TOKEN_Q,
  PATHKEY,
  HEADER,
  MONITOR_TOKEN,
  Buffer.from(`${USER}:${PASS}`).toString('base64'),
]

/** The four URL shapes that carry a secret, on `port`. */
function secretUrls(port: number, refused: number, hang: number): string[] {
  return [
    `http://${USER}:${PASS}@127.0.0.1:${port}/`,
    `http://127.0.0.1:${refused}/rpc?apikey=${APIKEY}`,
    `http://127.0.0.1:${port}/v3/${PATHKEY}`,
    `http://127.0.0.1:${hang}/rpc?token=${TOKEN_Q}`,
  ]
}

/** Everything observed: [where, text]. */
const seen: Array<[string, string]> = []
const record = (where: string, value: unknown) =>
  seen.push([where, typeof value === 'string' ? value : inspect(value, { depth: 12 })])
function watch(label: string, set: EndpointSet) {
  for (const name of ['stateChange', 'attempt', 'failover', 'probe', 'rebalance', 'hedge'] as const)
    set.on(name, (e: unknown) => record(`${label} event ${name}`, e))
}
/** Runs `call`, which must fail; records the error and its whole cause chain. */
async function failing(where: string, call: () => Promise<unknown>) {
  const error = await call().then(
    () => new Error(`${where} unexpectedly succeeded`),
    (e: unknown) => e,
  )
  record(`${where} error`, error)
  record(`${where} message`, String((error as Error).message))
  record(`${where} stack`, String((error as Error).stack))
  return error
}

let status500: LocalServer
let echo: LocalServer
let hang: LocalServer
let refused: number
let fabric: FabricNetwork
let provider: FailoverProvider
let kubo: ReturnType<typeof createFailoverKubo>
let gateway: FailoverGateway
let monitor: RunningMonitor

beforeAll(async () => {
  ;[status500, echo, hang, refused, fabric] = await Promise.all([
    startStatusServer(),
    startEchoServer(),
    startHangServer(),
    refusedPort(),
    startFabricNetwork({ peers: 2 }),
  ])
  const urls = secretUrls(status500.port, refused, hang.port)
  provider = new FailoverProvider(
    [
      urls[0]!,
      urls[1]!,
      { url: urls[2]!, headers: { authorization: `Bearer ${HEADER}` } },
      { url: urls[3]!, headers: { 'x-api-key': HEADER } },
    ],
    1337,
    {
      cacheTimeout: -1,
      attemptTimeoutMs: 400,
      deadlineMs: 4000,
      probeIntervalMs: 200,
      probeTimeoutMs: 300,
    },
  )
  provider.on('error', (e: unknown) => record('ethers provider error event', e))
  watch('ethers', provider.endpointSet)
  // The path key sits on the hung node here: a 500 answer to a path-key URL leaks it (known bug
  // below: kubo-rpc-client's HTTPError keeps the fetch Response and its url).
  kubo = createFailoverKubo({
    endpoints: [
      urls[0]!,
      urls[1]!,
      {
        url: `http://127.0.0.1:${hang.port}/v3/${PATHKEY}`,
        headers: { authorization: `Bearer ${HEADER}` },
      },
      {
        url: `http://127.0.0.1:${status500.port}/rpc?token=${TOKEN_Q}`,
        headers: { 'x-api-key': HEADER },
      },
    ],
    attemptTimeoutMs: 400,
    deadlineMs: 4000,
    health: { intervalMs: 200, timeoutMs: 300 },
  })
  watch('kubo', kubo.failover.set)
  const [p0, p1] = fabric.peers
  gateway = connectFailover({
    peers: [p0!, p1!].map((p, i) => ({
      address: p.address,
      ...(fabric.tlsRootCert ? { tlsRootCert: fabric.tlsRootCert } : {}),
      serverNameOverride: p.hostName,
      headers: { authorization: `Bearer ${HEADER}` },
      // The operations service URL is the only URL a Fabric peer config holds.
      healthzUrl: i === 0 ? urls[0]! : urls[2]!,
    })),
    identity: { mspId: fabric.mspId, credentials: fabric.client.certificate },
    signer: signers.newPrivateKeySigner(
      (await import('node:crypto')).createPrivateKey(fabric.client.privateKey),
    ),
    hash: hash.sha256,
    channelName: fabric.channelName,
    deadlines: { evaluateMs: 1000, endorseMs: 1000, submitMs: 1000, commitStatusMs: 2000 },
    health: { intervalMs: 200, timeoutMs: 500 },
  })
  watch('fabric', gateway.endpointSet)
  monitor = await startMonitor({
    sets: [provider.endpointSet, kubo.failover.set, gateway.endpointSet],
    port: 0,
    token: MONITOR_TOKEN,
  })
})
afterAll(async () => {
  await monitor?.close()
  await Promise.allSettled([provider?.close(), kubo?.failover.close(), gateway?.close()])
  await Promise.allSettled([status500?.close(), echo?.close(), hang?.close(), fabric?.close()])
})

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = fileURLToPath(new URL('../../packages/monitor/src/cli/main.ts', import.meta.url))
/** The real `steadfast` CLI (sources through tsx), stdout + stderr. */
function steadfast(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 },
      // Not error.message: execFile puts the whole command line (with the planted secret) in it.
      (error, stdout, stderr) => resolve(`${stdout}\n${stderr}\nexit ${error?.code ?? 0}`),
    )
  })
}

/** The rows recorded since `mark` (each test checks what it caused, plus background events). */
const since = (mark: number) => seen.slice(mark)

function expectNoSecret(rows: Array<[string, string]>) {
  const leaks = rows.flatMap(([where, text]) =>
    SECRETS.filter((s) => text.includes(s)).map((s) => `${where}: ${s}`),
  )
  expect(leaks).toEqual([])
}

describe('secrets never appear in errors, events, pages or CLI output', () => {
  it('error: ethers calls failing on every secret-bearing replica name none of the secrets', async () => {
    const mark = seen.length
    const error = await failing('ethers getBlockNumber', () => provider.getBlockNumber())
    expect((error as { code?: string }).code).toBe('ENDPOINTS_EXHAUSTED')
    await failing('ethers send', () => provider.send('eth_getBalance', [`0x${'0'.repeat(40)}`]))
    // The calls did reach the secret-bearing replicas (the 500 one answered).
    expect(status500.requests).toBeGreaterThan(0)
    expectNoSecret(since(mark))
  })

  it('error: kubo calls (promise and stream) failing on every node name none of the secrets', async () => {
    const mark = seen.length
    await failing('kubo id', () => kubo.id())
    await failing('kubo cat', async () => {
      for await (const _ of kubo.cat('bafkqaaa')) {
        /* drain */
      }
    })
    expectNoSecret(since(mark))
  })

  it('error: fabric evaluate with every peer down, and healthz URLs with credentials, leak nothing', async () => {
    const mark = seen.length
    await sleep(600) // a few probe rounds through the credentialed healthz URLs
    await Promise.all(fabric.peers.map((p) => p.kill()))
    const contract = gateway.getNetwork(fabric.channelName).getContract(fabric.chaincodeName)
    const error = await failing('fabric evaluate', () =>
      contract.evaluateTransaction('ReadAsset', 'nope'),
    )
    expect(String((error as { code?: unknown }).code)).toMatch(/ENDPOINTS_EXHAUSTED|^14$/)
    await Promise.all(fabric.peers.map((p) => p.restart()))
    expectNoSecret(since(mark))
  })

  it('behavior: the events seen carry redacted endpoint urls, not nothing', () => {
    // Guards the test itself: events and errors were recorded and name the endpoints.
    const events = seen.filter(([w]) => w.includes('event'))
    expect(events.length).toBeGreaterThan(10)
    expect(events.some(([, t]) => t.includes('127.0.0.1'))).toBe(true)
  })

  it('behavior: the monitor pages (/metrics, /status, /readyz, /healthz) hold no secret', async () => {
    const rows: Array<[string, string]> = []
    for (const path of ['/metrics', '/status', '/readyz', '/healthz']) {
      const res = await fetch(`${monitor.url}${path}`)
      rows.push([`GET ${path}`, `${await res.text()} ${inspect([...res.headers])}`])
    }
    expect(rows[1]![1]).toContain('127.0.0.1')
    expectNoSecret(rows)
  })

  it('behavior: the CLI status table and --json print no secret', async () => {
    const rows: Array<[string, string]> = [
      ['cli status', await steadfast(['status', monitor.url])],
      ['cli status --json', await steadfast(['status', monitor.url, '--json'])],
    ]
    expect(rows[0]![1]).toMatch(/ethers/)
    expect(rows[1]![1]).toContain('127.0.0.1')
    expectNoSecret(rows)
  })

  it('error: a ConfigError for a bad URL holding credentials echoes none of them', async () => {
    const bad: Array<() => unknown> = [
      () => new FailoverProvider([`ftp://${USER}:${PASS}@127.0.0.1/?apikey=${APIKEY}`], 1337),
      () => createFailoverKubo({ endpoints: [`gopher://${USER}:${PASS}@h/v3/${PATHKEY}`] }),
      () => createFailoverKubo({ endpoints: [`http://${USER}:${PASS}@h:1`], stickyEndpoint: 'x' }),
    ]
    const rows: Array<[string, string]> = []
    for (const [i, make] of bad.entries()) {
      const error = await Promise.resolve()
        .then(make)
        .then(
          () => new Error('accepted'),
          (e: unknown) => e,
        )
      expect((error as { code?: string }).code, `case ${i}`).toBe('INVALID_CONFIG')
      rows.push([`config ${i}`, inspect(error, { depth: 12 })])
    }
    expectNoSecret(rows)
  })

  // packages/fabric connect-failover.ts: 'must be host:port' accepts `user:pass@host:port`, and
  // the password ends up in the endpoint id, url and status.
  it('error: a Fabric peer address carrying userinfo is refused without echoing it', async () => {
    const run = async () =>
      connectFailover({
        peers: [{ address: `${USER}:${PASS}@127.0.0.1:${refused}` }],
        identity: { mspId: 'x', credentials: new Uint8Array() },
        signer: async () => new Uint8Array(),
        hash: hash.sha256,
      })
    const g = await run().catch((e: unknown) => e)
    if (g instanceof Error) {
      expect((g as { code?: string }).code).toBe('INVALID_CONFIG')
      expectNoSecret([['fabric config', inspect(g, { depth: 12 })]])
      return
    }
    const gw = g as FailoverGateway
    try {
      expectNoSecret([
        ['fabric ids', inspect(gw.endpointSet.endpoints, { depth: 6 })],
        ['fabric status', inspect(gw.status(), { depth: 6 })],
      ])
    } finally {
      await gw.close()
    }
  })
})

/**
 * Leaks found by this suite, reported to the lead. Each `it.fails` documents one and turns red
 * when it is fixed (then drop the `.fails`).
 */
describe('known leaks (reported)', () => {
  it('behavior: an upstream 500 body quoting the request path key is scrubbed from ethers errors', async () => {
    // packages/ethers: HttpStatusError's message carries the raw body; EndpointsExhaustedError's
    // details are redacted, but its `cause` (and the attempt event's `error`) is not.
    const p = new FailoverProvider([`http://127.0.0.1:${echo.port}/v3/${PATHKEY}`], 1337, {
      attemptTimeoutMs: 400,
      deadlineMs: 2000,
    })
    try {
      const e = await p.getBlockNumber().catch((x: unknown) => x)
      expectNoSecret([['ethers echo', inspect(e, { depth: 12 })]])
    } finally {
      await p.close()
    }
  })

  it('behavior: a kubo error for a 500 answer keeps no raw path key (HTTPError.response.url)', async () => {
    // packages/kubo: the rethrown kubo-rpc-client HTTPError holds `response` (a fetch Response)
    // whose `url` is the unredacted endpoint URL; util.inspect / console.error print it.
    const k = createFailoverKubo({
      endpoints: [`http://127.0.0.1:${status500.port}/v3/${PATHKEY}`],
      attemptTimeoutMs: 400,
      deadlineMs: 2000,
      probe: false,
    })
    try {
      const e = await k.id().catch((x: unknown) => x)
      expectNoSecret([['kubo echo', inspect(e, { depth: 12 })]])
    } finally {
      await k.failover.close()
    }
  })

  it('behavior: the Basic credentials derived from userinfo are scrubbed when an upstream echoes them', async () => {
    // core redactText masks the userinfo parts but not base64(user:pass), the header value.
    const p = new FailoverProvider([`http://${USER}:${PASS}@127.0.0.1:${echo.port}/`], 1337, {
      attemptTimeoutMs: 400,
      deadlineMs: 2000,
    })
    try {
      const e = await p.getBlockNumber().catch((x: unknown) => x)
      expectNoSecret([['basic echo', String((e as Error).message)]])
    } finally {
      await p.close()
    }
  })

  it('behavior: the CLI prints no password of an unreachable credentialed monitor URL', async () => {
    const out = await steadfast(['status', `http://${USER}:${PASS}@127.0.0.1:${refused}`])
    expectNoSecret([['cli unreachable', out]])
  })

  it('behavior: the CLI prints no password of an unparsable monitor URL', async () => {
    const out = await steadfast(['status', `http://${USER}:${PASS}@[::1`])
    expectNoSecret([['cli bad url', out]])
  })

  it('behavior: the CLI prints no ?token= of the monitor URL in a refused action', async () => {
    const out = await steadfast([
      'cordon',
      `${monitor.url}?token=${TOKEN_Q}`,
      '--set',
      'ethers',
      '--endpoint',
      'x',
    ])
    expectNoSecret([['cli cordon', out]])
  })
})
