import { CID, type KuboRPCClient } from 'kubo-rpc-client'

/** Collects an async iterable of chunks into one buffer. */
async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of source) {
    chunks.push(chunk)
    size += chunk.byteLength
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/**
 * Emulates IPFS Cluster pinning on offline nodes (no swarm, so no bitswap): exports the DAG under
 * `cid` from `source` as a CAR and imports it on every target, which pins its root there.
 */
export async function replicateContent(
  source: KuboRPCClient,
  targets: readonly KuboRPCClient[],
  cid: string,
  signal?: AbortSignal,
): Promise<void> {
  const root = CID.parse(cid)
  const car = await collect(source.dag.export(root, signal ? { signal } : {}))
  await Promise.all(
    targets.map(async (target) => {
      for await (const _ of target.dag.import([car], {
        pinRoots: true,
        ...(signal ? { signal } : {}),
      })) {
        // drain: the import's results are its pinned roots
      }
      // dag.import pins recursively; make it explicit so pin.ls shows the same as on the source.
      await target.pin.add(root, signal ? { signal } : {})
    }),
  )
}
