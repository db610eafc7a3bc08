import { Wallet } from 'ethers'
import { createJsonRpcClient } from './json-rpc-client.js'

export interface SendTransferOptions {
  /** Chain id the transaction is signed for. */
  chainId: number
  /** Recipient address. */
  to: string
  /** Amount in wei. @default 1n */
  valueWei?: bigint
  /** Per-call timeout in milliseconds. @default 10_000 */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * Signs a plain EIP-1559 transfer with `privateKey` (nonce from `url`, `pending`) and sends it
 * raw to `url`; resolves with the transaction hash. A write for tests, demos and benches,
 * without a provider to close.
 */
export async function sendTransfer(
  url: string,
  privateKey: string,
  opts: SendTransferOptions,
): Promise<string> {
  const rpc = createJsonRpcClient()
  const callOpts = {
    timeoutMs: opts.timeoutMs ?? 10_000,
    ...(opts.signal ? { signal: opts.signal } : {}),
  }
  try {
    const wallet = new Wallet(privateKey)
    const nonce = await rpc.call<string>(
      url,
      'eth_getTransactionCount',
      [wallet.address, 'pending'],
      callOpts,
    )
    const raw = await wallet.signTransaction({
      type: 2,
      chainId: opts.chainId,
      nonce: Number(nonce),
      to: opts.to,
      value: opts.valueWei ?? 1n,
      gasLimit: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 10n ** 9n,
    })
    return await rpc.call<string>(url, 'eth_sendRawTransaction', [raw], callOpts)
  } finally {
    rpc.close()
  }
}
