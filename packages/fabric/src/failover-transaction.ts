import type { Transaction } from '@hyperledger/fabric-gateway'
import { commitStatusRequestBytes, transactionChannel } from './commit-request.js'
import type { FailoverCallOptions } from './fabric-executor.js'
import { FailoverCommit } from './failover-commit.js'
import { type FailoverRuntime, signOnce } from './failover-runtime.js'
import { isDuplicateTransaction } from './should-failover.js'

/**
 * An endorsed transaction. `submit()` sends the one signed envelope to a peer; if that peer did
 * not accept it, the SAME bytes go to the next peer. A re-send refused as a duplicate means an
 * earlier attempt did reach the orderer: it counts as accepted and `getStatus()` confirms it.
 */
export class FailoverTransaction implements Transaction {
  readonly #runtime: FailoverRuntime
  readonly #bytes: Uint8Array
  readonly #offline: Transaction
  #signature: Uint8Array | undefined

  constructor(runtime: FailoverRuntime, bytes: Uint8Array, signature?: Uint8Array) {
    this.#runtime = runtime
    this.#bytes = bytes
    this.#offline = runtime.builder.newTransaction(bytes)
    this.#signature = signature
  }

  getBytes(): Uint8Array {
    return this.#bytes
  }

  getDigest(): Uint8Array {
    return this.#offline.getDigest()
  }

  getResult(): Uint8Array {
    return this.#offline.getResult()
  }

  getTransactionId(): string {
    return this.#offline.getTransactionId()
  }

  async submit(options?: FailoverCallOptions): Promise<FailoverCommit> {
    this.#signature = await signOnce(this.#runtime, this.#signature, () => this.getDigest())
    const signature = this.#signature
    await this.#runtime.executor.run(
      'submit',
      async (conn, callOptions, attempt) => {
        const gw = conn.gateway
        const tx = signature
          ? gw.newSignedTransaction(this.#bytes, signature)
          : gw.newTransaction(this.#bytes)
        try {
          await tx.submit(callOptions)
        } catch (error) {
          if (attempt > 1 && isDuplicateTransaction(error)) return
          throw error
        }
      },
      options,
    )
    const commitBytes = commitStatusRequestBytes(
      transactionChannel(this.#bytes),
      this.getTransactionId(),
      this.#runtime.identity,
    )
    return new FailoverCommit(this.#runtime, commitBytes, this.getResult())
  }
}
