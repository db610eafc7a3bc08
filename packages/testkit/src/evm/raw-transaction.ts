import { concat, encodeRlp, keccak256, toBeArray } from 'ethers'
import { TestkitError } from '../process/testkit-error.js'

/** A transaction as `eth_getBlockByNumber(n, true)` returns it (hex quantities). */
export interface RpcTransaction {
  hash: string
  type?: string
  chainId?: string
  nonce: string
  gasPrice?: string
  maxFeePerGas?: string
  maxPriorityFeePerGas?: string
  gas: string
  to: string | null
  value: string
  input: string
  accessList?: { address: string; storageKeys: string[] }[]
  v: string
  r: string
  s: string
}

const quantity = (hex: string | undefined) =>
  hex === undefined || BigInt(hex) === 0n ? '0x' : toBeArray(BigInt(hex))

/**
 * The signed raw bytes of a mined transaction, rebuilt from its RPC fields (legacy, EIP-2930
 * and EIP-1559). The encoding is written by hand rather than with `Transaction.from` because
 * ganache's own `eth_sendTransaction` signs fee combinations ethers refuses to build. The
 * result is checked against the transaction hash, so a wrong rebuild can never be replayed.
 */
export function rawTransactionFromRpc(tx: RpcTransaction): string {
  const type = Number(tx.type ?? '0x0')
  const to = tx.to ?? '0x'
  const accessList = (tx.accessList ?? []).map((e) => [e.address, e.storageKeys])
  const sig = [quantity(tx.v), quantity(tx.r), quantity(tx.s)]
  const common = [quantity(tx.gas), to, quantity(tx.value), tx.input]
  let raw: string
  if (type === 0) raw = encodeRlp([quantity(tx.nonce), quantity(tx.gasPrice), ...common, ...sig])
  else if (type === 1)
    raw = concat([
      '0x01',
      encodeRlp([
        quantity(tx.chainId),
        quantity(tx.nonce),
        quantity(tx.gasPrice),
        ...common,
        accessList,
        ...sig,
      ]),
    ])
  else if (type === 2)
    raw = concat([
      '0x02',
      encodeRlp([
        quantity(tx.chainId),
        quantity(tx.nonce),
        quantity(tx.maxPriorityFeePerGas),
        quantity(tx.maxFeePerGas),
        ...common,
        accessList,
        ...sig,
      ]),
    ])
  else throw new TestkitError('EVM_UNSUPPORTED', `cannot relay transaction type ${type}`)
  if (keccak256(raw) !== tx.hash.toLowerCase())
    throw new TestkitError('EVM_UNSUPPORTED', `cannot rebuild raw transaction ${tx.hash}`)
  return raw
}
