import { type AbstractProvider, NonceManager, Wallet } from 'ethers'

/**
 * One account's transactions, one at a time, with nonces kept locally (ethers' NonceManager), as
 * a busy dApp back end does. After a failure the nonce is reloaded from the chain.
 */
export class SerialSigner {
  readonly signer: NonceManager
  readonly address: string
  private queue: Promise<unknown> = Promise.resolve()

  constructor(privateKey: string, provider: AbstractProvider) {
    const wallet = new Wallet(privateKey, provider)
    this.signer = new NonceManager(wallet)
    this.address = wallet.address
  }

  /** Runs `fn` after every earlier call has settled. */
  serial<T>(fn: (signer: NonceManager) => Promise<T>): Promise<T> {
    const next = this.queue.then(
      () => fn(this.signer),
      () => fn(this.signer),
    )
    this.queue = next.catch(() => this.signer.reset())
    return next
  }
}
