import type { Status, SubmittedTransaction } from '@hyperledger/fabric-gateway'
import type { FailoverCallOptions } from './fabric-executor.js'
import { type FailoverRuntime, signOnce } from './failover-runtime.js'

/**
 * A commit status that any healthy peer can answer: the same signed request is asked of the
 * next peer when one fails, and of a second one (hedged) when the first is slow.
 */
export class FailoverCommit implements SubmittedTransaction {
  readonly #runtime: FailoverRuntime
  readonly #bytes: Uint8Array
  readonly #result: Uint8Array
  #signature: Uint8Array | undefined

  constructor(
    runtime: FailoverRuntime,
    bytes: Uint8Array,
    result: Uint8Array = new Uint8Array(0),
    signature?: Uint8Array,
  ) {
    this.#runtime = runtime
    this.#bytes = bytes
    this.#result = result
    this.#signature = signature
  }

  getBytes(): Uint8Array {
    return this.#bytes
  }

  getDigest(): Uint8Array {
    return this.#runtime.builder.newCommit(this.#bytes).getDigest()
  }

  getTransactionId(): string {
    return this.#runtime.builder.newCommit(this.#bytes).getTransactionId()
  }

  getResult(): Uint8Array {
    return this.#result
  }

  async getStatus(options?: FailoverCallOptions): Promise<Status> {
    this.#signature = await signOnce(this.#runtime, this.#signature, () => this.getDigest())
    const signature = this.#signature
    return this.#runtime.executor.run(
      'commitStatus',
      (conn, callOptions) => {
        const gw = conn.gateway
        const commit = signature
          ? gw.newSignedCommit(this.#bytes, signature)
          : gw.newCommit(this.#bytes)
        return commit.getStatus(callOptions)
      },
      options,
    )
  }
}
