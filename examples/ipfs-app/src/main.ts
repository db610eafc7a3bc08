/**
 * ipfs-app: document-archive.ts on three IPFS nodes, with the node in use killed between
 * documents. Run: `pnpm --filter @steadfast/example-ipfs-app start`.
 *
 * The migration is one line:
 *
 *   - const ipfs = create({ url: 'http://127.0.0.1:5001' })
 *   + const ipfs = createFailoverKubo({ endpoints: [url1, url2, url3] })
 */
import { createFailoverKubo } from '@steadfast/kubo'
import { startIpfsNodeSet } from '@steadfast/testkit'
import { DocumentArchive } from './document-archive.js'

const cluster = await startIpfsNodeSet({ nodes: 3 })
try {
  // The one changed line (was: create({ url: cluster.urls[0] })).
  const ipfs = createFailoverKubo({ endpoints: [...cluster.urls] })
  const archive = new DocumentArchive(ipfs)

  const stored: { cid: string; sha256: string }[] = []
  let down: number | undefined
  for (let i = 1; i <= 6; i++) {
    const text = `document ${i}: ${'steadfast '.repeat(200 * i)}`
    const doc = await archive.store(text)
    // IPFS Cluster would place copies on the other nodes; the testkit emulates that placement
    // (on the live nodes only, once one is down).
    await cluster.addReplicated(
      text,
      down === undefined ? {} : { source: (down + 1) % 3, replicationFactor: 2 },
    )
    stored.push(doc)
    console.log(`stored document ${i} as ${doc.cid}`)
    if (i === 3) {
      down = ipfs.failover.set.current()?.index ?? 0
      await cluster.nodes[down]!.kill()
      console.log(`killed node ${down + 1}: the archive carries on`)
    }
  }
  let verified = 0
  for (const doc of stored) if (await archive.verify(doc.cid, doc.sha256)) verified++
  await ipfs.failover.close()

  const ok = verified === stored.length
  console.log(`${verified}/${stored.length} documents read back with the right SHA-256`)
  console.log(ok ? 'ipfs-app: OK' : 'ipfs-app: FAILED')
  process.exitCode = ok ? 0 : 1
} finally {
  await cluster.close()
}
