import { describe, expect, it } from 'vitest'
import { asNonceExpired, sendRefusal } from './send-refusal.js'

describe('sendRefusal', () => {
  it.each([
    ['already known', 'known'],
    ['known transaction: 0xabc', 'known'],
    ['Transaction already imported', 'known'],
    ['transaction already in the pool', 'known'],
    ['replacement transaction underpriced', 'underpriced'],
    ['nonce too low: next nonce 5, tx nonce 4', 'nonceTooLow'],
    ['Nonce is too low', 'nonceTooLow'],
    ['incorrect nonce', 'nonceTooLow'],
    [
      "the tx doesn't have the correct nonce. account has nonce of: 3 tx has nonce of: 1",
      'nonceTooLow',
    ],
  ] as const)('behavior: %j is %s', (message, kind) => {
    expect(sendRefusal(message)).toBe(kind)
  })

  it.each([
    'insufficient funds for gas * price + value',
    'execution reverted',
    "the tx doesn't have the correct nonce. account has nonce of: 1 tx has nonce of: 3",
  ])('behavior: %j is not a duplicate-looking refusal', (message) => {
    expect(sendRefusal(message)).toBeUndefined()
  })
})

describe('asNonceExpired', () => {
  it('behavior: ganache wording gets the words ethers maps to NONCE_EXPIRED; code and data kept', () => {
    const error = {
      code: -32000,
      message: "the tx doesn't have the correct nonce. account has nonce of: 2 tx has nonce of: 1",
      data: { x: 1 },
    }
    const mapped = asNonceExpired(error)
    expect(mapped.message).toMatch(/nonce/i)
    expect(mapped.message).toMatch(/too low/i)
    expect(mapped.message).toContain(error.message)
    expect(mapped.code).toBe(-32000)
    expect(mapped.data).toEqual({ x: 1 })
  })

  it('behavior: geth wording and other errors pass unchanged', () => {
    const geth = { code: -32000, message: 'nonce too low' }
    expect(asNonceExpired(geth)).toBe(geth)
    const other = { code: -32000, message: 'execution reverted' }
    expect(asNonceExpired(other)).toBe(other)
  })
})
