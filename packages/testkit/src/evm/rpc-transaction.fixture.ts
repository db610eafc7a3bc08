import { Transaction } from 'ethers'
import type { RpcTransaction } from './raw-transaction.js'

const q = (n: bigint | number | null | undefined) =>
  n === null || n === undefined ? undefined : `0x${BigInt(n).toString(16)}`

/** The fields a node's `eth_getBlockByNumber(n, true)` reports for a signed transaction. */
export function asRpc(raw: string): RpcTransaction {
  const tx = Transaction.from(raw)
  const sig = tx.signature!
  const rpc: RpcTransaction = {
    hash: tx.hash!,
    type: q(tx.type)!,
    nonce: q(tx.nonce)!,
    gas: q(tx.gasLimit)!,
    to: tx.to,
    value: q(tx.value)!,
    input: tx.data,
    // Typed transactions report the y-parity as v; legacy ones the EIP-155 v.
    v: tx.type === 0 ? q(sig.networkV ?? sig.v)! : q(sig.yParity)!,
    r: sig.r,
    s: sig.s,
  }
  if (tx.type !== 0) rpc.chainId = q(tx.chainId)!
  if (tx.gasPrice !== null) rpc.gasPrice = q(tx.gasPrice)!
  if (tx.maxFeePerGas !== null) rpc.maxFeePerGas = q(tx.maxFeePerGas)!
  if (tx.maxPriorityFeePerGas !== null) rpc.maxPriorityFeePerGas = q(tx.maxPriorityFeePerGas)!
  if (tx.accessList !== null) rpc.accessList = tx.accessList.map((e) => ({ ...e }))
  return rpc
}
