import type { ChaincodeEvent, Contract, Network } from '@hyperledger/fabric-gateway'
import { common } from '@hyperledger/fabric-protos'

/** What the event listeners saw. */
export interface Listeners {
  readonly events: ChaincodeEvent[]
  readonly blocks: common.Block[]
  /** Errors that ended a listener (none expected). */
  readonly errors: unknown[]
  close(): void
}

/** Starts a chaincode-event listener and a block listener, collecting in the background. */
export async function startListeners(network: Network, chaincodeName: string): Promise<Listeners> {
  const events: ChaincodeEvent[] = []
  const blocks: common.Block[] = []
  const errors: unknown[] = []
  const ccStream = await network.getChaincodeEvents(chaincodeName)
  const blockStream = await network.getBlockEvents()
  const drain = async <T>(stream: AsyncIterable<T>, into: T[]) => {
    try {
      for await (const item of stream) into.push(item)
    } catch (error) {
      errors.push(error)
    }
  }
  void drain(ccStream, events)
  void drain(blockStream, blocks)
  return {
    events,
    blocks,
    errors,
    close: () => {
      ccStream.close()
      blockStream.close()
    },
  }
}

/** Result of a submit workload. */
export interface WorkloadResult {
  readonly transactionIds: string[]
  readonly failures: unknown[]
}

/**
 * Submits `count` CreateAsset transactions, `concurrency` at a time, each awaited to a VALID
 * commit. `onProgress(done)` runs after each one (fault injection points).
 */
export async function submitWorkload(
  contract: Contract,
  options: {
    prefix: string
    count: number
    concurrency?: number
    onProgress?: (done: number) => Promise<void> | void
  },
): Promise<WorkloadResult> {
  const transactionIds: string[] = []
  const failures: unknown[] = []
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < options.count) {
      const i = next++
      try {
        const submitted = await contract.submitAsync('CreateAsset', {
          arguments: [`${options.prefix}-${i}`, 'blue', '5', 'Tom', String(i)],
        })
        const status = await submitted.getStatus()
        if (status.successful) transactionIds.push(submitted.getTransactionId())
        else failures.push(new Error(`tx ${submitted.getTransactionId()} code ${status.code}`))
      } catch (error) {
        failures.push(error)
      }
      done++
      await options.onProgress?.(done)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker))
  return { transactionIds, failures }
}

/** Evaluates ReadAsset(seed) in a loop until stopped; counts successes and failures. */
export function evaluateLoop(contract: Contract, seedId: string) {
  let running = true
  let ok = 0
  const failures: unknown[] = []
  const loop = (async () => {
    while (running) {
      try {
        const asset = JSON.parse(
          Buffer.from(await contract.evaluateTransaction('ReadAsset', seedId)).toString(),
        )
        if (asset.ID === seedId) ok++
        else failures.push(new Error(`unexpected asset ${asset.ID}`))
      } catch (error) {
        failures.push(error)
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      return { ok, failures }
    },
  }
}

/** Block number and (transaction id, valid) of every transaction in a block. */
export function blockTransactions(block: common.Block) {
  const number = block.getHeader()?.getNumber() ?? -1
  const filter = block.getMetadata()?.getMetadataList_asU8()[
    common.BlockMetadataIndex.TRANSACTIONS_FILTER
  ]
  const txs = (block.getData()?.getDataList_asU8() ?? []).map((bytes, i) => {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
    )
    const header = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    )
    return { transactionId: header.getTxId(), valid: (filter?.[i] ?? 0) === 0 }
  })
  return { number, txs }
}

/** Waits until `check()` is true, polling. */
export async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}
