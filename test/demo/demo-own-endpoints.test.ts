import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type EvmReplicaSet,
  type FabricNetwork,
  type IpfsNodeSet,
  startEvmReplicaSet,
  startFabricNetwork,
  startIpfsNodeSet,
} from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, runTs } from './run-example.js'

// The endpoint sets a user would already run, started here and described in a config file.
const dir = mkdtempSync(join(tmpdir(), 'steadfast-demo-own-'))
let evm: EvmReplicaSet | undefined
let fabric: FabricNetwork | undefined
let ipfs: IpfsNodeSet | undefined

beforeAll(async () => {
  ;[evm, fabric, ipfs] = await Promise.all([
    startEvmReplicaSet({ replicas: 2 }),
    startFabricNetwork({ peers: 2, tls: true }),
    startIpfsNodeSet({ nodes: 2 }),
    build('examples/demo'),
  ])
}, 300_000)

afterAll(async () => {
  await Promise.allSettled([evm?.close(), fabric?.close(), ipfs?.close()])
  rmSync(dir, { recursive: true, force: true })
})

describe('pnpm demo --config', () => {
  it('behavior: runs the three apps on endpoint sets described in steadfast.config.yaml, with no chaos, and exits 0', async () => {
    if (!evm || !fabric || !ipfs) throw new Error('replica sets did not start')
    writeFileSync(join(dir, 'tlsca.pem'), fabric.tlsRootCert ?? '')
    writeFileSync(join(dir, 'cert.pem'), fabric.client.certificate)
    writeFileSync(join(dir, 'key.pem'), fabric.client.privateKey)
    const peers = fabric.peers
      .map(
        (p) =>
          `    - { address: "${p.address}", tlsRootCertPath: tlsca.pem, serverNameOverride: ${p.hostName} }`,
      )
      .join('\n')
    const config = join(dir, 'steadfast.config.yaml')
    writeFileSync(
      config,
      `evm:
  endpoints: [${evm.urls.join(', ')}]
  chainId: ${evm.chainId}
  privateKey: \${DEMO_KEY}
fabric:
  mspId: ${fabric.mspId}
  channel: ${fabric.channelName}
  chaincode: ${fabric.chaincodeName}
  certificatePath: cert.pem
  privateKeyPath: key.pem
  peers:
${peers}
ipfs:
  endpoints: [${ipfs.urls.join(', ')}]
`,
    )
    const run = await runTs(
      'examples/demo/src/main.ts',
      ['--config', config, '--duration', '10', '--plain'],
      180_000,
      {
        DEMO_KEY: evm.accounts[0]?.privateKey ?? '',
      },
    )
    expect(run.stdout, `${run.stdout}\n${run.stderr}`).toContain('NOTHING LOST')
    expect(run.stdout).toContain('on your endpoint sets')
    expect(run.stdout).not.toContain('chaos:')
    for (const b of ['EVM · 2 endpoints', 'Fabric · 2 peers', 'IPFS · 2 endpoints'])
      expect(run.stdout).toContain(b)
    expect(run.code).toBe(0)
  }, 200_000)
})
