import { createHash } from 'node:crypto'
import type { KuboRPCClient } from 'kubo-rpc-client'

/**
 * An ordinary kubo-rpc-client application: it only sees a `KuboRPCClient`. Stores a document
 * (add + pin) and reads it back, checking its SHA-256.
 */
export class DocumentArchive {
  constructor(private readonly ipfs: KuboRPCClient) {}

  async store(text: string): Promise<{ cid: string; sha256: string }> {
    const { cid } = await this.ipfs.add(text, { pin: true })
    await this.ipfs.pin.add(cid)
    return { cid: cid.toString(), sha256: sha256(new TextEncoder().encode(text)) }
  }

  /** Reads `cid` back; true when its bytes hash to `expected`. */
  async verify(cid: string, expected: string): Promise<boolean> {
    const chunks: Uint8Array[] = []
    for await (const chunk of this.ipfs.cat(cid)) chunks.push(chunk)
    return sha256(Buffer.concat(chunks)) === expected
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}
