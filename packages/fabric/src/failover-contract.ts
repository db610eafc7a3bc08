import {
  CommitError,
  type Contract,
  type ProposalOptions,
  type Status,
  StatusCode,
} from '@hyperledger/fabric-gateway'
import type { FailoverCommit } from './failover-commit.js'
import { FailoverProposal } from './failover-proposal.js'
import type { FailoverRuntime } from './failover-runtime.js'

/** fabric-gateway's `ProposalOptions` plus a signal that cancels every attempt. */
export interface FailoverProposalOptions extends ProposalOptions {
  signal?: AbortSignal
}

const STATUS_NAMES = new Map<number, string>(
  Object.entries(StatusCode).map(([name, code]) => [code as number, name]),
)

/** A smart contract, as fabric-gateway's `Contract`, over the failover peers. */
export class FailoverContract implements Contract {
  readonly #runtime: FailoverRuntime
  readonly #channelName: string
  readonly #chaincodeName: string
  readonly #contractName: string | undefined

  constructor(
    runtime: FailoverRuntime,
    channelName: string,
    chaincodeName: string,
    contractName?: string,
  ) {
    this.#runtime = runtime
    this.#channelName = channelName
    this.#chaincodeName = chaincodeName
    this.#contractName = contractName
  }

  getChaincodeName(): string {
    return this.#chaincodeName
  }

  getContractName(): string | undefined {
    return this.#contractName
  }

  evaluateTransaction(name: string, ...args: Array<string | Uint8Array>): Promise<Uint8Array> {
    return this.evaluate(name, { arguments: args })
  }

  submitTransaction(name: string, ...args: Array<string | Uint8Array>): Promise<Uint8Array> {
    return this.submit(name, { arguments: args })
  }

  evaluate(transactionName: string, options?: FailoverProposalOptions): Promise<Uint8Array> {
    return this.newProposal(transactionName, options).evaluate(signalOf(options))
  }

  async submit(transactionName: string, options?: FailoverProposalOptions): Promise<Uint8Array> {
    const submitted = await this.submitAsync(transactionName, options)
    const status = await submitted.getStatus(signalOf(options))
    if (!status.successful) throw commitError(status)
    return submitted.getResult()
  }

  async submitAsync(
    transactionName: string,
    options?: FailoverProposalOptions,
  ): Promise<FailoverCommit> {
    const transaction = await this.newProposal(transactionName, options).endorse(signalOf(options))
    return transaction.submit(signalOf(options))
  }

  newProposal(transactionName: string, options?: FailoverProposalOptions): FailoverProposal {
    const { signal: _signal, ...proposalOptions } = options ?? {}
    const offline = this.#runtime.builder
      .getNetwork(this.#channelName)
      .getContract(this.#chaincodeName, this.#contractName)
      .newProposal(transactionName, proposalOptions)
    return new FailoverProposal(this.#runtime, offline)
  }
}

function signalOf(options: FailoverProposalOptions | undefined) {
  return options?.signal ? { signal: options.signal } : undefined
}

/** The error fabric-gateway's `submit()` throws for a transaction that committed invalid. */
function commitError(status: Status): CommitError {
  const name = STATUS_NAMES.get(status.code) ?? 'UNKNOWN'
  return new CommitError({
    message: `Transaction ${status.transactionId} failed to commit with status code ${status.code} (${name})`,
    code: status.code,
    transactionId: status.transactionId,
  })
}
