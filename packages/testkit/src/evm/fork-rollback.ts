import { TestkitError } from '../process/testkit-error.js'
import { type RpcTransaction, rawTransactionFromRpc } from './raw-transaction.js'

/** A ganache `evm_snapshot` known to have been taken at height `at`. */
export interface Checkpoint {
  id: string
  at: number
}

/** A JSON-RPC call to one replica. */
export type ReplicaCall = <T>(method: string, params?: unknown[]) => Promise<T>

const hex = (n: number) => `0x${n.toString(16)}`

/**
 * Takes an `evm_snapshot` of a replica whose head is `at`. The head is read before and after:
 * if a client's write landed meanwhile the snapshot's height is unknown, so none is returned.
 */
export async function takeCheckpoint(
  call: ReplicaCall,
  at: number,
): Promise<Checkpoint | undefined> {
  if (Number(await call<string>('eth_blockNumber')) !== at) return undefined
  const id = await call<string>('evm_snapshot')
  if (Number(await call<string>('eth_blockNumber')) !== at) return undefined
  return { id, at }
}

/**
 * Rolls a replica back to `checkpoint` (`evm_revert`), dropping its blocks above it, and returns
 * the raw transactions of the dropped blocks in order, so they can be sent again on top of the
 * shared chain (what a real network does with a transaction from a node that fell behind).
 */
export async function rollBack(
  call: ReplicaCall,
  checkpoint: Checkpoint,
  head: number,
): Promise<string[]> {
  const orphans: string[] = []
  let read = checkpoint.at
  // Clients may still write to the replica meanwhile: read up to its head again until it holds
  // still, so a client's transaction mined after the first look is re-sent, not reverted away.
  for (let top = head; read < top; top = Number(await call<string>('eth_blockNumber'))) {
    for (let h = read + 1; h <= top; h++) {
      const block = await call<{ transactions: RpcTransaction[] }>('eth_getBlockByNumber', [
        hex(h),
        true,
      ])
      orphans.push(...block.transactions.map(rawTransactionFromRpc))
    }
    read = top
  }
  const reverted = await call<boolean>('evm_revert', [checkpoint.id])
  const now = Number(await call<string>('eth_blockNumber'))
  if (!reverted || now !== checkpoint.at)
    throw new TestkitError(
      'EVM_FORK',
      `could not roll back to block ${checkpoint.at} (evm_revert ${reverted}, head ${now})`,
    )
  return orphans
}
