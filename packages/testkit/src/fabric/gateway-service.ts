import { type handleUnaryCall, type ServerUnaryCall, status } from '@grpc/grpc-js'
import { common, gateway, peer } from '@hyperledger/fabric-protos'
import { chaincodeEventsHandler } from './chaincode-events-stream.js'
import { GatewayStatusError, toServiceError } from './gateway-status.js'
import { AccessDeniedError } from './identity-verifier.js'
import type { PeerContext } from './peer-context.js'
import { parseSubmittedTransaction, preparedTransaction } from './prepared-transaction.js'
import { BadProposalError, type ParsedProposal, parseSignedProposal } from './signed-proposal.js'
import { acceptSignedRequest } from './signed-request.js'
import { type Simulation, simulate } from './simulation.js'

/** Wraps a handler: admission (pause/unavailable), cancellation as an AbortSignal, error mapping. */
function unary<Req, Res>(
  ctx: PeerContext,
  handler: (request: Req, signal: AbortSignal) => Promise<Res> | Res,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback) => {
    const controller = new AbortController()
    call.on('cancelled', () => controller.abort(new Error('cancelled by client')))
    ctx
      .admit(controller.signal)
      .then(() => handler(call.request, controller.signal))
      .then(
        (response) => callback(null, response),
        (err: unknown) => callback(toServiceError(err)),
      )
  }
}

type Phase = 'evaluate' | 'endorse'

function failure(ctx: PeerContext, phase: Phase, code: status, detail: string): GatewayStatusError {
  const message =
    phase === 'evaluate'
      ? `evaluate call to endorser returned error: ${detail}`
      : 'failed to endorse transaction, see attached details for more info'
  return new GatewayStatusError(code, message, [{ endpoint: ctx.endpoint, message: detail }])
}

function accept(
  ctx: PeerContext,
  signed: peer.SignedProposal | undefined,
  phase: Phase,
): ParsedProposal {
  let proposal: ParsedProposal
  try {
    proposal = parseSignedProposal(signed, ctx.verifier)
  } catch (err) {
    if (err instanceof AccessDeniedError) {
      const code = phase === 'evaluate' ? status.FAILED_PRECONDITION : status.ABORTED
      throw failure(ctx, phase, code, `error validating proposal: ${err.message}`)
    }
    const reason = err instanceof BadProposalError ? err.message : 'malformed proposal'
    throw new GatewayStatusError(
      status.INVALID_ARGUMENT,
      `failed to unpack transaction proposal: ${reason}`,
    )
  }
  if (proposal.channelId !== ctx.ledger.channelId) {
    throw new GatewayStatusError(status.NOT_FOUND, `channel '${proposal.channelId}' not found`)
  }
  return proposal
}

function run(ctx: PeerContext, proposal: ParsedProposal, phase: Phase): Simulation {
  const chaincode = ctx.chaincodes.get(proposal.chaincodeName)
  if (chaincode === undefined) {
    throw new GatewayStatusError(
      status.FAILED_PRECONDITION,
      `no combination of peers can be derived which satisfy the endorsement policy: No metadata was found for chaincode ${proposal.chaincodeName} in channel ${proposal.channelId}`,
    )
  }
  const simulation = simulate({
    ...proposal,
    state: ctx.ledger.state,
    height: ctx.height(),
    chaincode,
  })
  if (simulation.status >= 400) {
    const code = phase === 'evaluate' ? status.UNKNOWN : status.ABORTED
    throw failure(
      ctx,
      phase,
      code,
      `chaincode response ${simulation.status}, ${simulation.message}`,
    )
  }
  return simulation
}

async function commitStatus(
  ctx: PeerContext,
  signed: gateway.SignedCommitStatusRequest,
  signal: AbortSignal,
) {
  const request = acceptSignedRequest(ctx, signed, (bytes) =>
    gateway.CommitStatusRequest.deserializeBinary(bytes),
  )
  // Like a real gateway: wait until this peer has committed the block holding the transaction.
  for (;;) {
    const committed = ctx.ledger.transaction(request.getTransactionId())
    if (committed !== undefined) {
      await ctx.waitForBlock(committed.blockNumber, signal)
      const response = new gateway.CommitStatusResponse()
      response.setResult(committed.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap])
      response.setBlockNumber(committed.blockNumber)
      return response
    }
    await ctx.nextHeightChange(signal)
  }
}

/** The `gateway.Gateway` service of one test peer. */
export function gatewayService(ctx: PeerContext): gateway.IGatewayServer {
  return {
    evaluate: unary(ctx, (request: gateway.EvaluateRequest) => {
      const simulation = run(
        ctx,
        accept(ctx, request.getProposedTransaction(), 'evaluate'),
        'evaluate',
      )
      const result = new peer.Response()
      result.setStatus(simulation.status)
      result.setPayload(simulation.payload)
      const response = new gateway.EvaluateResponse()
      response.setResult(result)
      return response
    }),
    endorse: unary(ctx, (request: gateway.EndorseRequest) => {
      const proposal = accept(ctx, request.getProposedTransaction(), 'endorse')
      if (ctx.ledger.transaction(proposal.transactionId) !== undefined) {
        throw failure(
          ctx,
          'endorse',
          status.ABORTED,
          `duplicate transaction found [${proposal.transactionId}]`,
        )
      }
      const response = new gateway.EndorseResponse()
      response.setPreparedTransaction(
        preparedTransaction(proposal, run(ctx, proposal, 'endorse'), ctx.endorser),
      )
      return response
    }),
    submit: unary(ctx, (request: gateway.SubmitRequest) => {
      const envelope = request.getPreparedTransaction() ?? new common.Envelope()
      try {
        ctx.ledger.order(parseSubmittedTransaction(envelope, ctx.verifier))
      } catch (err) {
        const info = err instanceof AccessDeniedError ? err.message : 'bad envelope'
        throw new GatewayStatusError(
          status.ABORTED,
          `received unsuccessful response from orderer: status=FORBIDDEN, info=${info}`,
        )
      }
      return new gateway.SubmitResponse()
    }),
    commitStatus: unary(ctx, (request: gateway.SignedCommitStatusRequest, signal) =>
      commitStatus(ctx, request, signal),
    ),
    chaincodeEvents: chaincodeEventsHandler(ctx),
  }
}
