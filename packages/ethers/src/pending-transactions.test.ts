import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { decodeRawTransaction, PendingTransactions } from './pending-transactions.js'

const wallet = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const sign = (nonce: number) =>
  wallet.signTransaction({
    chainId: 1337,
    nonce,
    to: wallet.address,
    gasLimit: 21000,
    gasPrice: 1n,
  })

describe('PendingTransactions', () => {
  it('behavior: decodes the sender, nonce and hash of a signed raw transaction', async () => {
    const raw = await sign(4)
    const decoded = decodeRawTransaction(raw)
    expect(decoded?.from).toBe(wallet.address.toLowerCase())
    expect(decoded?.nonce).toBe(4)
    expect(decoded?.hash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(decodeRawTransaction('0x1234')).toBeUndefined()
  })

  it('behavior: a receipt forgets the transaction and every lower nonce of its sender', async () => {
    const pending = new PendingTransactions()
    const raws = await Promise.all([sign(1), sign(2), sign(3)])
    const decoded = raws.map((r) => decodeRawTransaction(r)!)
    for (const [i, raw] of raws.entries()) pending.record(raw, decoded[i]!, 'a')
    expect(pending.unmined(wallet.address).map((t) => t.nonce)).toEqual([1, 2, 3])
    pending.mined(decoded[1]!.hash)
    expect(pending.unmined(wallet.address).map((t) => t.nonce)).toEqual([3])
    expect(pending.endpointOf(wallet.address)).toBe('a')
  })
})
