import type { handleBidiStreamingCall, ServerDuplexStream } from '@grpc/grpc-js'
import { common, orderer, peer } from '@hyperledger/fabric-protos'
import { filteredBlock } from './fabric-block.js'
import { peerBlocks, runStream, startBlockOf } from './peer-blocks.js'
import type { PeerContext } from './peer-context.js'

type DeliverCall = ServerDuplexStream<common.Envelope, peer.DeliverResponse>
type Kind = 'full' | 'filtered'

function statusResponse(code: common.StatusMap[keyof common.StatusMap]): peer.DeliverResponse {
  const response = new peer.DeliverResponse()
  response.setStatus(code)
  return response
}

/** Parses and checks a seek envelope; a number is the Status to answer instead. */
function seekInfoOf(
  ctx: PeerContext,
  envelope: common.Envelope,
): orderer.SeekInfo | common.StatusMap[keyof common.StatusMap] {
  try {
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8())
    const header = payload.getHeader() ?? new common.Header()
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8())
    if (channelHeader.getChannelId() !== ctx.ledger.channelId) return common.Status.NOT_FOUND
    const creator = common.SignatureHeader.deserializeBinary(
      header.getSignatureHeader_asU8(),
    ).getCreator_asU8()
    try {
      ctx.verifier.verify(
        creator,
        envelope.getPayload_asU8(),
        envelope.getSignature_asU8(),
        channelHeader.getChannelId(),
      )
    } catch {
      return common.Status.FORBIDDEN
    }
    return orderer.SeekInfo.deserializeBinary(payload.getData_asU8())
  } catch {
    return common.Status.BAD_REQUEST
  }
}

async function deliver(
  ctx: PeerContext,
  call: DeliverCall,
  kind: Kind,
  envelope: common.Envelope,
  signal: AbortSignal,
): Promise<void> {
  const seek = seekInfoOf(ctx, envelope)
  if (typeof seek === 'number') {
    call.write(statusResponse(seek))
    return
  }
  const height = ctx.height()
  const start = startBlockOf(seek.getStart(), height)
  const stopPosition = seek.getStop()
  const stop = stopPosition?.hasSpecified()
    ? (stopPosition.getSpecified()?.getNumber() ?? 0)
    : stopPosition?.hasNewest()
      ? height - 1
      : Number.MAX_SAFE_INTEGER
  if (seek.getBehavior() === orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY && start >= height) {
    call.write(statusResponse(common.Status.NOT_FOUND))
    return
  }
  if (start <= stop) {
    for await (const block of peerBlocks(ctx, start, signal)) {
      const response = new peer.DeliverResponse()
      if (kind === 'full') response.setBlock(block.block)
      else response.setFilteredBlock(filteredBlock(block, ctx.ledger.channelId))
      call.write(response)
      if (block.number >= stop) break
    }
  }
  call.write(statusResponse(common.Status.SUCCESS))
}

function handler(
  ctx: PeerContext,
  kind: Kind,
): handleBidiStreamingCall<common.Envelope, peer.DeliverResponse> {
  return (call) =>
    runStream(ctx, call, async (signal) => {
      const envelope = await new Promise<common.Envelope | undefined>((resolve) => {
        call.once('data', resolve)
        call.once('end', () => resolve(undefined))
        signal.addEventListener('abort', () => resolve(undefined), { once: true })
      })
      if (envelope !== undefined && !signal.aborted)
        await deliver(ctx, call, kind, envelope, signal)
    })
}

/** The `protos.Deliver` service of one test peer: full and filtered block streams. */
export function deliverService(ctx: PeerContext): peer.IDeliverServer {
  return {
    deliver: handler(ctx, 'full'),
    deliverFiltered: handler(ctx, 'filtered'),
    deliverWithPrivateData: (call) => {
      call.write(statusResponse(common.Status.BAD_REQUEST))
      call.end()
    },
  }
}
