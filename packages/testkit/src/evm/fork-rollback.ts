import { TestkitError } from '../process/testkit-error.js'
import { type RpcTransaction, rawTransactionFromRpc } from './raw-transaction.js'

/**
 * ganache `evm_snapshot`s known to have been taken at height `at`, oldest first. `evm_revert`
 * consumes the snapshot it reverts to (and every later one) but keeps the earlier ones, so a
 * roll-back to the newest leaves a spare at the same height for the next fork, even when a
 * client's write lands before a new snapshot can be taken.
 */
export interface Checkpoint {
  ids: string[]
  at: number
}

/** Snapshots a checkpoint holds: one to revert to, one spare. */
const SNAPSHOTS = 2

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
  return topUp(call, { ids: [], at })
}

/** Adds snapshots at `checkpoint.at` up to SNAPSHOTS while the replica holds still there. */
async function topUp(call: ReplicaCall, checkpoint: Checkpoint): Promise<Checkpoint | undefined> {
  const ids = [...checkpoint.ids]
  while (ids.length < SNAPSHOTS) {
    if (Number(await call<string>('eth_blockNumber')) !== checkpoint.at) break
    const id = await call<string>('evm_snapshot')
    if (Number(await call<string>('eth_blockNumber')) !== checkpoint.at) break
    ids.push(id)
  }
  return ids.length > 0 ? { ids, at: checkpoint.at } : undefined
}

/**
 * Rolls a replica back to `checkpoint` (`evm_revert` to its newest snapshot), dropping its
 * blocks above it, and returns the raw transactions of the dropped blocks in order, so they can
 * be sent again on top of the shared chain (what a real network does with a transaction from a
 * node that fell behind), with what is left of the checkpoint, topped up again (a best effort:
 * a failure there keeps the spare).
 */
export async function rollBack(
  call: ReplicaCall,
  checkpoint: Checkpoint,
  head: number,
): Promise<{ orphans: string[]; checkpoint: Checkpoint | undefined }> {
  const newest = checkpoint.ids.at(-1)
  if (newest === undefined) throw new TestkitError('EVM_FORK', 'a checkpoint without a snapshot')
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
  const reverted = await call<boolean>('evm_revert', [newest])
  const now = Number(await call<string>('eth_blockNumber'))
  if (!reverted || now !== checkpoint.at)
    throw new TestkitError(
      'EVM_FORK',
      `could not roll back to block ${checkpoint.at} (evm_revert ${reverted}, head ${now})`,
    )
  const spare: Checkpoint = { ids: checkpoint.ids.slice(0, -1), at: checkpoint.at }
  const left = await topUp(call, spare).catch(() => spare)
  return { orphans, checkpoint: left !== undefined && left.ids.length > 0 ? left : undefined }
}
