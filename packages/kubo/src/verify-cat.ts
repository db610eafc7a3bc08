import { createHash } from 'node:crypto'
import { CID } from 'kubo-rpc-client'
import type { CallContext } from './call-wrappers.js'
import { ContentMismatchError } from './errors/kubo-errors.js'
import { scrubError } from './scrub-error.js'

const RAW_CODEC = 0x55
const SHA2_256 = 0x12

/** The CID a `cat` path names, when it is a bare CID (no sub-path): only those can be verified. */
export function bareCid(path: unknown): CID | undefined {
  const asCid = CID.asCID(path)
  if (asCid) return asCid
  if (typeof path !== 'string') return undefined
  try {
    return CID.parse(path.replace(/^\/ipfs\//, ''))
  } catch {
    return undefined
  }
}

/** The CID `bytes` get from the node's default import (re-added with `onlyHash` on the set). */
async function importedCid(ctx: CallContext, cid: CID, bytes: Uint8Array): Promise<string> {
  if (cid.code === RAW_CODEC && cid.multihash.code === SHA2_256) {
    // A single raw block: its hash is the content's hash, no node needed.
    const digest = createHash('sha256').update(bytes).digest()
    return Buffer.compare(digest, cid.multihash.digest) === 0
      ? cid.toString()
      : `sha256:${digest.toString('hex')}`
  }
  const added = await ctx.set.execute((endpoint, attempt) =>
    ctx
      .clientFor(endpoint)
      .add(bytes, { onlyHash: true, pin: false, cidVersion: cid.version, signal: attempt.signal })
      .catch((err: unknown) => {
        throw scrubError(err, endpoint)
      }),
  )
  return added.cid.toString()
}

/**
 * Passes `stream` through and, at its end, checks the bytes against `cid`: raw blocks by their
 * hash, UnixFS files by re-importing them with `onlyHash` (so only content imported with the
 * node's default chunker and leaf settings verifies). Throws `ContentMismatchError` at the end of
 * the stream; past `maxBytes` the bytes are not kept and not verified.
 */
export async function* verifyCat(
  ctx: CallContext,
  cid: CID,
  stream: AsyncIterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  let chunks: Uint8Array[] | undefined = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.byteLength
    if (chunks && size <= maxBytes) chunks.push(chunk)
    else chunks = undefined
    yield chunk
  }
  if (!chunks) return
  const got = await importedCid(ctx, cid, Buffer.concat(chunks))
  if (got !== cid.toString()) throw new ContentMismatchError(cid.toString(), got)
}
