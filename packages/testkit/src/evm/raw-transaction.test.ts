import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { rawTransactionFromRpc } from './raw-transaction.js'
import { asRpc } from './rpc-transaction.fixture.js'

const wallet = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const base = { chainId: 1337, nonce: 7, gasLimit: 50_000n, value: 12345n }
const accessList = [
  {
    address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    storageKeys: [`0x${'00'.repeat(31)}01`],
  },
]

describe('rawTransactionFromRpc', () => {
  it.each([
    ['legacy (EIP-155)', { ...base, type: 0, gasPrice: 10n ** 9n, to: accessList[0]!.address }],
    ['EIP-2930', { ...base, type: 1, gasPrice: 10n ** 9n, to: accessList[0]!.address, accessList }],
    [
      'EIP-1559',
      {
        ...base,
        type: 2,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 10n ** 9n,
        to: accessList[0]!.address,
        accessList,
      },
    ],
    [
      'EIP-1559 contract creation with zero value',
      {
        ...base,
        type: 2,
        value: 0n,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 1n,
        data: '0x6001600055',
      },
    ],
  ])('behavior: rebuilds the exact signed bytes of a %s transaction', async (_, fields) => {
    const raw = await wallet.signTransaction(fields)
    expect(rawTransactionFromRpc(asRpc(raw))).toBe(raw)
  })

  it('error: refuses a rebuild whose hash does not match', async () => {
    const raw = await wallet.signTransaction({
      ...base,
      type: 2,
      maxFeePerGas: 10n,
      maxPriorityFeePerGas: 1n,
      to: accessList[0]!.address,
    })
    const rpc = { ...asRpc(raw), value: '0x1' }
    expect(() => rawTransactionFromRpc(rpc)).toThrow(/cannot rebuild raw transaction/)
  })

  it('error: refuses unknown transaction types', () => {
    expect(() =>
      rawTransactionFromRpc({ ...({} as RpcTransaction), type: '0x3', hash: '0x' }),
    ).toThrow(/cannot relay transaction type 3/)
  })
})
