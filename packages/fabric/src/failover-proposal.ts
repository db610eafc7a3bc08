import type { Gateway, Proposal } from '@hyperledger/fabric-gateway'
import type { FailoverCallOptions } from './fabric-executor.js'
import { type FailoverRuntime, signOnce } from './failover-runtime.js'
import { FailoverTransaction } from './failover-transaction.js'

/**
 * A transaction proposal signed once and sent, as the same bytes, to whichever peer serves the
 * attempt: a signed proposal is bound to the identity, not to a peer.
 */
export class FailoverProposal implements Proposal {
  readonly #runtime: FailoverRuntime
  readonly #offline: Proposal
  #signature: Uint8Array | undefined

  constructor(runtime: FailoverRuntime, offline: Proposal, signature?: Uint8Array) {
    this.#runtime = runtime
    this.#offline = offline
    this.#signature = signature
  }

  getBytes(): Uint8Array {
    return this.#offline.getBytes()
  }

  getDigest(): Uint8Array {
    return this.#offline.getDigest()
  }

  getTransactionId(): string {
    return this.#offline.getTransactionId()
  }

  async evaluate(options?: FailoverCallOptions): Promise<Uint8Array> {
    const on = await this.#signedOn()
    return this.#runtime.executor.run(
      'evaluate',
      (conn, callOptions) => on(conn.gateway).evaluate(callOptions),
      options,
    )
  }

  async endorse(options?: FailoverCallOptions): Promise<FailoverTransaction> {
    const on = await this.#signedOn()
    const endorsed = await this.#runtime.executor.run(
      'endorse',
      (conn, callOptions) => on(conn.gateway).endorse(callOptions),
      options,
    )
    return new FailoverTransaction(this.#runtime, endorsed.getBytes())
  }

  /** The same signed proposal, bound to a given peer's gateway. */
  async #signedOn(): Promise<(gw: Gateway) => Proposal> {
    this.#signature = await signOnce(this.#runtime, this.#signature, () => this.getDigest())
    const signature = this.#signature
    const bytes = this.getBytes()
    return (gw) => (signature ? gw.newSignedProposal(bytes, signature) : gw.newProposal(bytes))
  }
}
