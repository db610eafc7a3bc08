import { status } from '@grpc/grpc-js'
import type { orderer } from '@hyperledger/fabric-protos'
import type { CommittedBlock } from './fabric-block.js'
import { GatewayStatusError, toServiceError } from './gateway-status.js'
import type { PeerContext } from './peer-context.js'

/** The first block number a seek position designates, at the peer's current height. */
export function startBlockOf(position: orderer.SeekPosition | undefined, height: number): number {
  if (position?.hasSpecified()) return position.getSpecified()?.getNumber() ?? 0
  if (position?.hasOldest()) return 0
  if (position?.hasNewest()) return Math.max(0, height - 1)
  return height // next commit (the default)
}

/** Yields the peer's blocks from `start` on, waiting for each to reach the peer, until aborted. */
export async function* peerBlocks(
  ctx: PeerContext,
  start: number,
  signal: AbortSignal,
): AsyncGenerator<CommittedBlock> {
  for (let number = start; ; number++) {
    await ctx.waitForBlock(number, signal)
    const block = ctx.ledger.block(number)
    if (block === undefined) return
    yield block
  }
}

/** A server stream call as both stream handlers see it. */
export interface StreamCall {
  on(event: 'cancelled' | 'close', listener: () => void): unknown
  emit(event: 'error', error: unknown): boolean
  end(): void
}

/**
 * Runs a stream handler body with an AbortSignal that fires when the client cancels or the
 * test drops the peer's streams (the client then sees UNAVAILABLE), and maps failures to a status.
 */
export function runStream(
  ctx: PeerContext,
  call: StreamCall,
  body: (signal: AbortSignal) => Promise<void>,
): void {
  const controller = new AbortController()
  let finished = false
  const fail = (err: unknown) => {
    if (finished) return
    finished = true
    call.emit('error', toServiceError(err))
  }
  const untrack = ctx.trackStream(() => {
    fail(new GatewayStatusError(status.UNAVAILABLE, 'stream dropped by the test peer'))
    controller.abort(new Error('stream dropped'))
  })
  const stop = () => {
    finished = true
    untrack()
    controller.abort(new Error('cancelled by client'))
  }
  call.on('cancelled', stop)
  call.on('close', stop)
  ctx
    .admit(controller.signal)
    .then(() => body(controller.signal))
    .then(
      () => {
        if (!finished) {
          finished = true
          call.end()
        }
      },
      (err: unknown) => {
        if (!controller.signal.aborted) fail(err)
      },
    )
    .finally(untrack)
}
