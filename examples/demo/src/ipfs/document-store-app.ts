import { createHash, randomBytes } from 'node:crypto'
import type { KuboRPCClient } from 'kubo-rpc-client'
import type { DocumentLedger } from '../backends/demo-backend.js'
import type { BackendReport } from '../workload/backend-report.js'
import { CallTally } from '../workload/call-tally.js'
import { pace } from '../workload/pace.js'

interface StoredDocument {
  cid: string
  sha256: string
  size: number
  recorded: boolean
}

export interface DocumentStoreAppOptions {
  /** The Steadfast client (a KuboRPCClient over the node set). */
  kubo: KuboRPCClient
  /** Where CIDs are recorded on chain; read at each step (the EVM backend may start later). */
  documents: { ledger: DocumentLedger | undefined }
  /**
   * Cluster-style placement of the bytes on the other nodes (IPFS Cluster's job in production;
   * the testkit emulates it). Undefined when the user's nodes handle replication themselves.
   */
  replicate: ((bytes: Uint8Array, signal: AbortSignal) => Promise<void>) | undefined
  /** Pause between documents, ms. @default 700 */
  everyMs?: number
}

/**
 * A document archive: store a document (add + pin through Steadfast), read it back and check its
 * SHA-256, record its CID and digest on chain, and now and then re-read an older document.
 * At the end every document is read again and compared with the digest recorded on chain.
 */
export class DocumentStoreApp {
  readonly tally = new CallTally()
  private readonly docs: StoredDocument[] = []
  private bytesRead = 0
  private bytesVerified = 0

  constructor(private readonly o: DocumentStoreAppOptions) {}

  progressLine(): string {
    return `${this.docs.length} documents · ${(this.bytesVerified / 1024).toFixed(0)} KiB verified`
  }

  /**
   * `signal` ends the loop between steps; calls already started finish (with the SDK's own
   * timeouts), so stopping the demo never shows up as a failed call.
   */
  async run(signal: AbortSignal): Promise<void> {
    const inFlight = new AbortController().signal
    for (let i = 0; !signal.aborted; i++) {
      await this.storeOne(i, signal, inFlight)
      const old = this.docs[Math.floor(Math.random() * this.docs.length)]
      if (old && !signal.aborted) await this.readBack(old, inFlight)
      await pace(this.o.everyMs ?? 700, signal)
    }
  }

  private async storeOne(i: number, stop: AbortSignal, signal: AbortSignal): Promise<void> {
    const bytes = makeDocument(i)
    const sha256 = `0x${createHash('sha256').update(bytes).digest('hex')}`
    const added = await this.tally.track('add', () => this.o.kubo.add(bytes, { pin: true, signal }))
    if (!added) return
    const doc: StoredDocument = {
      cid: added.cid.toString(),
      sha256,
      size: bytes.length,
      recorded: false,
    }
    // Cluster placement is infrastructure, not an app call: retried, not counted as a failure.
    if (this.o.replicate) await retry(() => this.o.replicate?.(bytes, signal), stop)
    await this.tally.track('pin.add', () => this.o.kubo.pin.add(added.cid, { signal }))
    this.docs.push(doc)
    await this.readBack(doc, signal)
    const ledger = this.o.documents.ledger
    if (ledger) {
      // A failed record is counted by the EVM backend's own tally (it is an EVM call).
      doc.recorded = await ledger.record(doc.cid, sha256, signal).then(
        () => true,
        () => false,
      )
    }
  }

  private async readBack(doc: StoredDocument, signal: AbortSignal): Promise<void> {
    const bytes = await this.tally.track('cat', () => concat(this.o.kubo.cat(doc.cid, { signal })))
    if (!bytes) return
    this.bytesRead += bytes.length
    if (`0x${createHash('sha256').update(bytes).digest('hex')}` === doc.sha256) {
      this.bytesVerified += bytes.length
    }
  }

  /** Reads every document once more and checks it against the digest recorded on chain. */
  async finish(signal: AbortSignal): Promise<BackendReport> {
    let onChain = 0
    let recorded = 0
    let pinned = 0
    for (const doc of this.docs) {
      await this.readBack(doc, signal)
      if (await this.tally.track('pin.ls', () => isPinned(this.o.kubo, doc.cid, signal))) pinned++
      const ledger = this.o.documents.ledger
      if (!ledger || !doc.recorded) continue
      recorded++
      const digest = await this.tally.track('digestOf', () => ledger.digestOf(doc.cid, signal))
      if (digest === doc.sha256) onChain++
    }
    const checks = [
      {
        label: 'bytes read back with the right SHA-256',
        expected: this.bytesRead,
        actual: this.bytesVerified,
        unit: 'B',
      },
      {
        label: 'documents still pinned (pin.ls)',
        expected: this.docs.length,
        actual: pinned,
        unit: 'docs',
      },
    ]
    if (this.o.documents.ledger) {
      checks.push({
        label: 'CIDs on chain with the matching digest',
        expected: recorded,
        actual: onChain,
        unit: 'docs',
      })
    }
    return {
      backend: 'ipfs',
      calls: { ok: this.tally.ok, failed: this.tally.failed },
      checks,
      notes: this.tally.errors,
    }
  }
}

/** A JSON document of 2–48 KiB with random padding, so every one has a new CID. */
function makeDocument(i: number): Uint8Array {
  const padding = randomBytes(1024 + Math.floor(Math.random() * 23 * 1024)).toString('base64')
  return new TextEncoder().encode(
    JSON.stringify({
      kind: 'steadfast-demo-document',
      index: i,
      createdAt: new Date().toISOString(),
      padding,
    }),
  )
}

async function isPinned(kubo: KuboRPCClient, cid: string, signal: AbortSignal): Promise<boolean> {
  for await (const pin of kubo.pin.ls({ paths: [cid], signal }))
    if (pin.cid.toString() === cid) return true
  return false
}

async function concat(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return Buffer.concat(parts)
}

async function retry(fn: () => Promise<unknown> | undefined, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; attempt < 10 && !signal.aborted; attempt++) {
    try {
      await fn()
      return
    } catch {
      await pace(500, signal)
    }
  }
}
