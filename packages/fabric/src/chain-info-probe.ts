import { connectivityState } from '@grpc/grpc-js'
import type { ProbeResult } from '@steadfast/core'
import { abortInterceptor } from './call-options.js'
import { chainHeight } from './chain-height.js'
import type { FabricProbe, FabricProbeContext } from './failover-options.js'

/**
 * The default health probe: qscc `GetChainInfo` through the peer's own gateway gives the ledger
 * height (and proves the gateway answers calls); without a channel, the gRPC channel must
 * become ready. Note: a gateway routes an evaluate to the highest peer of its organisation.
 */
export const chainInfoProbe: FabricProbe = async (ctx) => {
  if (ctx.connectivity === connectivityState.SHUTDOWN) {
    return { ok: false, details: 'gRPC channel shut down' }
  }
  if (ctx.channelName === undefined) {
    await waitForReady(ctx)
    return { ok: true }
  }
  const height = await chainHeight(ctx.gateway, ctx.channelName, {
    deadline: ctx.deadline,
    interceptors: [abortInterceptor(ctx.signal)],
  })
  return { ok: true, height }
}

function waitForReady(ctx: FabricProbeContext): Promise<void> {
  return new Promise((resolve, reject) =>
    ctx.client.waitForReady(ctx.deadline, (error) => (error ? reject(error) : resolve())),
  )
}

/** Checks a peer's operations-service health URL (200 = ok). */
export async function checkHealthz(url: string, signal: AbortSignal): Promise<ProbeResult> {
  const response = await fetch(url, { signal })
  await response.body?.cancel()
  return response.ok ? { ok: true } : { ok: false, details: `healthz answered ${response.status}` }
}
