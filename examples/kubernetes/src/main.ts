/**
 * kubernetes: the app of cluster-ipfs.ts finding its IPFS nodes through a headless Service, run
 * locally: 3 IPFS nodes from the testkit play the StatefulSet's pods, each reachable at its own
 * "pod IP" (127.0.0.2–4, one port, like pods), and a local DNS server plays the cluster DNS.
 * The StatefulSet scales from 2 to 3 pods, then a pod is deleted; the client follows the Service
 * and every document stays readable. Run: `pnpm --filter @steadfast/example-kubernetes start`.
 * In a cluster the same connectClusterIpfs() runs with the defaults (see manifests/).
 */
import { createHash } from 'node:crypto'
import { promises as dns } from 'node:dns'
import { type FaultProxy, startFaultProxy, startIpfsNodeSet } from '@steadfast/testkit'
import { connectClusterIpfs } from './cluster-ipfs.js'
import { LocalDns } from './dns-server.js'

const service = 'ipfs.steadfast.svc.cluster.local'
const nodes = await startIpfsNodeSet({ nodes: 3 })
const localDns = new LocalDns()
const pods: FaultProxy[] = []
const podIp = (i: number) => `127.0.0.${i + 2}`
const nodePort = (i: number) => Number(new URL(nodes.urls[i] as string).port)
try {
  // Every "pod" listens on the same port at its own address, as pods behind a Service do.
  pods.push(await startFaultProxy({ host: podIp(0), target: { port: nodePort(0) } }))
  const port = pods[0]!.port
  for (const i of [1, 2])
    pods.push(await startFaultProxy({ host: podIp(i), port, target: { port: nodePort(i) } }))
  const resolver = new dns.Resolver({ timeout: 1000, tries: 2 })
  resolver.setServers([await localDns.start()])
  const ready = (pods: number[]) => {
    localDns.set(service, pods.map(podIp))
    console.log(`Service ${service}: ready pods ${pods.map((i) => `ipfs-${i}`).join(', ')}`)
  }

  ready([0, 1])
  const ipfs = await connectClusterIpfs({ service, port, refreshMs: 500, resolver })
  const set = ipfs.failover.set
  const members = () => set.endpoints.map((e) => e.id).join(', ')
  set.on('membership', (e) =>
    console.log(`membership: +[${e.added.join(', ')}] -[${e.removed.join(', ')}] → ${members()}`),
  )
  console.log(`client nodes: ${members()}`)

  const docs: { cid: string; sha: string }[] = []
  const store = async (i: number) => {
    const text = `document ${i} ${'k8s '.repeat(500)}`
    const { cid } = await ipfs.add(text, { pin: true })
    // IPFS Cluster places copies on the other pods; the testkit emulates that placement.
    await nodes.addReplicated(text, { source: 1, replicationFactor: 2 })
    docs.push({ cid: cid.toString(), sha: createHash('sha256').update(text).digest('hex') })
    console.log(`stored document ${i} as ${cid}`)
  }
  const waitFor = async (what: string, test: () => boolean) => {
    for (let t = 0; t < 100 && !test(); t++) await new Promise((r) => setTimeout(r, 100))
    if (!test()) throw new Error(`timed out waiting for ${what}`)
  }

  await store(1)
  ready([0, 1, 2]) // kubectl scale statefulset ipfs --replicas=3
  await waitFor('the third pod', () => set.endpoints.length === 3)
  await store(2)
  await pods[0]!.setMode({ kind: 'down' }) // kubectl delete pod ipfs-0: it stops answering…
  console.log('killed pod ipfs-0')
  await store(3)
  ready([1, 2]) // …and leaves the Service once its readiness probe fails
  await waitFor('ipfs-0 to leave', () => set.endpoints.length === 2)

  let verified = 0
  for (const d of docs) {
    const chunks: Uint8Array[] = []
    for await (const c of ipfs.cat(d.cid)) chunks.push(c)
    if (createHash('sha256').update(Buffer.concat(chunks)).digest('hex') === d.sha) verified++
  }
  await ipfs.failover.close()
  await set.close()
  const ok = verified === docs.length
  console.log(`${verified}/${docs.length} documents read back through the Service's pods`)
  console.log(ok ? 'kubernetes: OK' : 'kubernetes: FAILED')
  process.exitCode = ok ? 0 : 1
} finally {
  await Promise.allSettled(pods.map((p) => p.close()))
  await localDns.close()
  await nodes.close()
}
