import type { ConnectOptions, Gateway, Identity, Signer } from '@hyperledger/fabric-gateway'
import type { EndpointSet } from '@steadfast/core'
import type { ConnectionPool } from './connection-pool.js'
import type { FabricExecutor } from './fabric-executor.js'
import type { FabricShouldFailover } from './should-failover.js'

/** What every failover object shares: built once by `connectFailover`. */
export interface FailoverRuntime {
  readonly set: EndpointSet
  readonly pool: ConnectionPool
  readonly executor: FabricExecutor
  /** Builds and parses messages; never makes a call. */
  readonly builder: Gateway
  readonly identity: Identity
  readonly signer: Signer | undefined
  readonly shouldFailover: FabricShouldFailover
  /** Open event streams, closed with the gateway. */
  readonly streams: Set<{ close(): void }>
  readonly defaults: Pick<
    ConnectOptions,
    | 'chaincodeEventsOptions'
    | 'blockEventsOptions'
    | 'filteredBlockEventsOptions'
    | 'blockAndPrivateDataEventsOptions'
  >
}

/**
 * Signs a digest once with the application's signer (undefined without one: offline signing,
 * where the application supplies signatures through the `newSigned…` methods).
 */
export async function signOnce(
  runtime: FailoverRuntime,
  existing: Uint8Array | undefined,
  digest: () => Uint8Array,
): Promise<Uint8Array | undefined> {
  if (existing) return existing
  return runtime.signer ? await runtime.signer(digest()) : undefined
}
