import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { connectFailover, type FailoverGateway } from '@steadfast/fabric'
import { type RunningMonitor, startMonitor } from '@steadfast/monitor'
import { type FabricNetwork, startFabricNetwork } from '@steadfast/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hash, signers } from './support/fabric-gateway.js'
import { call, TOKEN, until } from './support/monitor-fixture.js'

let network: FabricNetwork
let gateway: FailoverGateway
let monitor: RunningMonitor

const sample = (name: 'firing' | 'resolved', instance: string) => {
  const p = JSON.parse(
    readFileSync(new URL(`../../examples/alertmanager/${name}.json`, import.meta.url), 'utf8'),
  )
  for (const a of p.alerts) a.labels.instance = instance
  return p
}

beforeAll(async () => {
  network = await startFabricNetwork({ peers: 3, tls: true })
  gateway = connectFailover({
    peers: network.peers.map((p) => ({
      address: p.address,
      id: p.hostName,
      serverNameOverride: p.hostName,
      ...(network.tlsRootCert ? { tlsRootCert: network.tlsRootCert } : {}),
    })),
    identity: { mspId: network.client.mspId, credentials: network.client.certificate },
    signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
    hash: hash.sha256,
    channelName: network.channelName,
    health: { intervalMs: 300, timeoutMs: 1_000 },
    set: { failbackAfterMs: 0 },
  })
  monitor = await startMonitor({ sets: [gateway.endpointSet], port: 0, token: TOKEN })
})
afterAll(async () => {
  await monitor?.close()
  await gateway?.close()
  await network?.close()
})

describe('Alertmanager → monitor → a real Fabric gateway client', () => {
  it('behavior: a firing alert on peer0 moves the Fabric client to another peer; resolving it moves back', async () => {
    const set = gateway.endpointSet
    const contract = gateway.getNetwork(network.channelName).getContract(network.chaincodeName)
    await contract.submitTransaction('CreateAsset', 'm1', 'blue', '5', 'Tom', '300')
    const served: string[] = []
    const off = set.on('attempt', (e) => {
      if (e.outcome === 'success') served.push(e.endpoint)
    })
    const read = async () => {
      served.length = 0
      const asset = JSON.parse(
        Buffer.from(await contract.evaluateTransaction('ReadAsset', 'm1')).toString(),
      )
      expect(asset.Owner).toBe('Tom')
      return [...served]
    }
    try {
      const [peer0, peer1] = network.peers
      await until('peer0 usable', () => set.current()?.id === peer0!.hostName)
      expect(await read()).toEqual([peer0!.hostName])

      const fired = await call(monitor, '/alertmanager', { body: sample('firing', peer0!.address) })
      expect(fired.json.alerts[0].targets).toMatchObject([
        {
          set: 'fabric',
          endpoint: peer0!.hostName,
          action: 'cordon',
          outcome: 'applied',
          current: peer1!.hostName,
        },
      ])
      expect(set.current()?.id).toBe(peer1!.hostName)
      expect(await read()).toEqual([peer1!.hostName])
      await contract.submitTransaction('TransferAsset', 'm1', 'Ann')
      expect(set.status().find((s) => s.id === peer0!.hostName)?.state).toBe('cordoned')

      const status = (await call(monitor, '/status')).json
      expect(status.sets[0].current).toBe(peer1!.hostName)

      await call(monitor, '/alertmanager', { body: sample('resolved', peer0!.address) })
      await until('back on peer0', () => set.current()?.id === peer0!.hostName)
      served.length = 0
      const asset = JSON.parse(
        Buffer.from(await contract.evaluateTransaction('ReadAsset', 'm1')).toString(),
      )
      expect(asset.Owner).toBe('Ann')
      expect(served).toEqual([peer0!.hostName])
    } finally {
      off()
    }
  })
})
