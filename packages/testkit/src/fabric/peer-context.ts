import type { Chaincode } from './asset-chaincode.js'
import type { FabricLedger } from './fabric-ledger.js'
import type { ErrorEndpoint } from './gateway-status.js'
import type { IdentityVerifier } from './identity-verifier.js'
import type { EndorserIdentity } from './prepared-transaction.js'

/** What the gRPC services of one test peer need from the peer and the network. */
export interface PeerContext {
  readonly ledger: FabricLedger
  readonly verifier: IdentityVerifier
  readonly endorser: EndorserIdentity
  readonly chaincodes: ReadonlyMap<string, Chaincode>
  /** Names this peer in gateway ErrorDetails. */
  readonly endpoint: ErrorEndpoint
  /** Blocks this peer has received (lags behind the ledger while lagging). */
  height(): number
  /**
   * Resolves once the peer may answer: at once normally, after `resume()` when paused; throws a
   * GatewayStatusError UNAVAILABLE in unavailable mode, and the abort reason on `signal`.
   */
  admit(signal: AbortSignal): Promise<void>
  /** Resolves when the peer's height exceeds `blockNumber` (and it is not paused). */
  waitForBlock(blockNumber: number, signal: AbortSignal): Promise<void>
  /** Resolves when the peer's height changes or the signal aborts, whichever first. */
  nextHeightChange(signal: AbortSignal): Promise<void>
  /** Registers an open stream so `dropStreams()` can end it; returns the unregister function. */
  trackStream(drop: () => void): () => void
}
