import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseDemoArgs } from '../../examples/demo/src/cli-args.js'
import { loadDemoConfig } from '../../examples/demo/src/config/load-demo-config.js'
import { DemoConfigError, DemoError } from '../../examples/demo/src/demo-error.js'

const dir = mkdtempSync(join(tmpdir(), 'steadfast-demo-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const pem = join(dir, 'cert.pem')
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n')
const key = `0x${'ab'.repeat(32)}`

function write(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

async function configError(name: string, text: string, env = {}): Promise<DemoConfigError> {
  const err = await loadDemoConfig(write(name, text), env).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(DemoConfigError)
  return err as DemoConfigError
}

describe('steadfast.config validation', () => {
  it('behavior: a valid YAML file gives typed sets with environment variables substituted and absolute paths', async () => {
    const file = write(
      'ok.yaml',
      `evm:
  endpoints:
    - http://127.0.0.1:8545
    - { url: http://127.0.0.1:8546, priority: 1, weight: 2 }
  chainId: 1337
  privateKey: \${DEMO_KEY}
fabric:
  mspId: Org1MSP
  certificatePath: cert.pem
  privateKeyPath: cert.pem
  peers:
    - { address: peer0.org1.example.com:7051, tlsRootCertPath: cert.pem, serverNameOverride: peer0 }
ipfs:
  endpoints: [http://127.0.0.1:5001]
`,
    )
    const config = await loadDemoConfig(file, { DEMO_KEY: key })
    expect(config.evm).toEqual({
      endpoints: [
        'http://127.0.0.1:8545',
        { url: 'http://127.0.0.1:8546', priority: 1, weight: 2 },
      ],
      chainId: 1337,
      privateKey: key,
    })
    expect(config.fabric?.peers[0]?.tlsRootCertPath).toBe(pem)
    expect(config.ipfs?.endpoints).toEqual(['http://127.0.0.1:5001'])
  })

  it('behavior: JSON works the same as YAML', async () => {
    const file = write(
      'ok.json',
      JSON.stringify({ ipfs: { endpoints: ['http://127.0.0.1:5001'] } }),
    )
    expect(await loadDemoConfig(file, {})).toEqual({
      ipfs: { endpoints: ['http://127.0.0.1:5001'] },
    })
  })

  it('error: names the field of a bad URL, with the file', async () => {
    const err = await configError(
      'bad-url.yaml',
      'ipfs:\n  endpoints: [http://a:5001, "not a url"]\n',
    )
    expect(err.code).toBe('INVALID_CONFIG')
    expect(err.field).toBe('ipfs.endpoints[1]')
    expect(err.message).toContain('bad-url.yaml')
    expect(err.message).toContain('not a valid URL')
  })

  it('error: names a non-positive weight and a negative priority', async () => {
    const w = await configError('w.yaml', 'ipfs:\n  endpoints: [{ url: http://a:1, weight: 0 }]\n')
    expect(w.field).toBe('ipfs.endpoints[0].weight')
    const p = await configError(
      'p.yaml',
      'ipfs:\n  endpoints: [{ url: http://a:1, priority: -1 }]\n',
    )
    expect(p.field).toBe('ipfs.endpoints[0].priority')
  })

  it('error: an empty endpoint list, a duplicate endpoint and an unknown key are refused', async () => {
    expect((await configError('e.yaml', 'ipfs:\n  endpoints: []\n')).field).toBe('ipfs.endpoints')
    expect(
      (await configError('d.yaml', 'ipfs:\n  endpoints: [http://a:1, http://a:1]\n')).field,
    ).toBe('ipfs.endpoints[1]')
    const typo = await configError('t.yaml', 'ipfs:\n  endpoint: [http://a:1]\n')
    expect(typo.field).toBe('ipfs.endpoint')
    expect(typo.message).toContain('unknown field')
  })

  it('error: a malformed private key is refused without echoing it', async () => {
    const err = await configError(
      'k.yaml',
      'evm:\n  endpoints: [http://a:1]\n  privateKey: "0xsecretsecret"\n',
    )
    expect(err.field).toBe('evm.privateKey')
    expect(err.message).not.toContain('secretsecret')
  })

  it('error: a missing PEM file, a bad peer address and an unset variable name their field', async () => {
    const base =
      'fabric:\n  mspId: Org1MSP\n  certificatePath: cert.pem\n  privateKeyPath: cert.pem\n'
    const missing = await configError(
      'f1.yaml',
      `${base}  peers: [{ address: "p:7051", tlsRootCertPath: nope.pem }]\n`,
    )
    expect(missing.field).toBe('fabric.peers[0].tlsRootCertPath')
    const addr = await configError(
      'f2.yaml',
      `${base}  peers: [{ address: "grpcs://p", tlsRootCertPath: cert.pem }]\n`,
    )
    expect(addr.field).toBe('fabric.peers[0].address')
    const env = await configError(
      'f3.yaml',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax under test
      'monitor:\n  token: ${NOPE}\nipfs:\n  endpoints: [http://a:1]\n',
    )
    expect(env.field).toBe('monitor.token')
    expect(env.message).toContain('NOPE')
  })

  it('error: a file that is no config at all says so', async () => {
    expect((await configError('none.yaml', 'monitor: { port: 1 }\n')).problem).toContain(
      'no endpoint set',
    )
    expect((await configError('syntax.json', '{ nope')).field).toBe('(file)')
    expect((await configError('x.toml', 'a=1')).field).toBe('(file)')
  })
})

describe('demo command line', () => {
  it('args: defaults to a bounded run of all backends with chaos', () => {
    expect(parseDemoArgs([])).toMatchObject({ durationS: 75, chaos: true, only: undefined })
    expect(parseDemoArgs(['--', '--duration', '30', '--only', 'evm,ipfs'])).toMatchObject({
      durationS: 30,
      only: ['evm', 'ipfs'],
    })
  })

  it('error: refuses an out-of-range duration and an unknown backend', () => {
    expect(() => parseDemoArgs(['--duration', '5'])).toThrow(DemoError)
    expect(() => parseDemoArgs(['--only', 'evm,bitcoin'])).toThrow(/bitcoin/)
    expect(() => parseDemoArgs(['--frobnicate'])).toThrow(DemoError)
  })
})
