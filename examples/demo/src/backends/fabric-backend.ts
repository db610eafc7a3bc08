import { createPrivateKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { hash, signers } from '@hyperledger/fabric-gateway'
import { connectFailover, type FabricPeerConfig } from '@steadfast/fabric'
import { type FabricNetwork, startFabricNetwork } from '@steadfast/testkit'
import type { FabricConfig } from '../config/demo-config.js'
import { AssetTransferApp } from '../fabric/asset-transfer-app.js'
import type { DemoBackend, FaultTarget } from './demo-backend.js'
import type { BackendFactory } from './load-backends.js'

interface FabricTarget {
  peers: FabricPeerConfig[]
  mspId: string
  certificate: Buffer
  privateKey: Buffer
  channel: string
  chaincode: string
}

/**
 * Fabric: 3 gateway test peers over TLS sharing one ledger (or the user's `fabric.peers`), one
 * failover Gateway over them, and the asset-transfer app. Chaos kills, hangs and lags peers.
 */
export const startFabricBackend: BackendFactory = async (ctx) => {
  const kit = ctx.config?.fabric
    ? undefined
    : await startFabricNetwork({ peers: 3, tls: true, signal: ctx.signal })
  try {
    const t = kit ? fromKit(kit) : await fromConfig(ctx.config?.fabric as FabricConfig)
    const gateway = connectFailover({
      peers: t.peers,
      identity: { mspId: t.mspId, credentials: t.certificate },
      signer: signers.newPrivateKeySigner(createPrivateKey(t.privateKey)),
      hash: hash.sha256,
      channelName: t.channel,
      name: 'fabric',
    })
    const app = new AssetTransferApp({ gateway, channel: t.channel, chaincode: t.chaincode })
    await app.start()
    const faults: FaultTarget[] = (kit?.peers ?? []).map((p) => ({
      index: p.index,
      kill: () => p.kill(),
      restart: () => p.restart(),
      pause: () => p.pause(),
      resume: () => p.resume(),
      lag: async () => p.setLag(true),
      unlag: async () => p.setLag(false),
    }))
    const backend: DemoBackend = {
      name: 'fabric',
      title: `Fabric · ${t.peers.length} ${kit ? 'gateway test peers (TLS)' : 'peers'} · @steadfast/fabric connectFailover`,
      sets: [gateway.endpointSet],
      faults,
      run: (signal) => app.run(signal),
      finish: (signal) => app.finish(signal),
      progress: () => ({ ok: app.tally.ok, failed: app.tally.failed, line: app.progressLine() }),
      async close() {
        await gateway.close()
        await kit?.close()
      },
    }
    return backend
  } catch (e) {
    await kit?.close()
    throw e
  }
}

function fromKit(kit: FabricNetwork): FabricTarget {
  return {
    peers: kit.peers.map((p) => ({
      address: p.address,
      ...(kit.tlsRootCert ? { tlsRootCert: kit.tlsRootCert } : {}),
      serverNameOverride: p.hostName,
    })),
    mspId: kit.client.mspId,
    certificate: kit.client.certificate,
    privateKey: kit.client.privateKey,
    channel: kit.channelName,
    chaincode: kit.chaincodeName,
  }
}

async function fromConfig(c: FabricConfig): Promise<FabricTarget> {
  return {
    peers: await Promise.all(
      c.peers.map(async (p) => ({
        address: p.address,
        tlsRootCert: await readFile(p.tlsRootCertPath),
        ...(p.serverNameOverride ? { serverNameOverride: p.serverNameOverride } : {}),
      })),
    ),
    mspId: c.mspId,
    certificate: await readFile(c.certificatePath),
    privateKey: await readFile(c.privateKeyPath),
    channel: c.channel ?? 'mychannel',
    chaincode: c.chaincode ?? 'basic',
  }
}
