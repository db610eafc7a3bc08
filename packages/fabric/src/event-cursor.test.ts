import type { ChaincodeEvent } from '@hyperledger/fabric-gateway'
import { describe, expect, it } from 'vitest'
import { BlockCursor, ChaincodeEventCursor } from './event-cursor.js'

const event = (block: number, tx: string): ChaincodeEvent => ({
  blockNumber: BigInt(block),
  transactionId: tx,
  chaincodeName: 'basic',
  eventName: 'CreateAsset',
  payload: new Uint8Array(),
})

describe('ChaincodeEventCursor', () => {
  it('behavior: drops events a reopened stream sends again, keeps new ones in order', () => {
    const cursor = new ChaincodeEventCursor()
    expect(cursor.positioned).toBe(false)
    cursor.pin(5n)
    expect([event(4, 'old'), event(5, 'a'), event(5, 'b')].map((e) => cursor.accept(e))).toEqual([
      false,
      true,
      true,
    ])
    // Reopened at block 5 by a peer that ignores after_transaction_id: a and b come again.
    expect(
      [event(5, 'a'), event(5, 'b'), event(5, 'c'), event(7, 'd')].map((e) => cursor.accept(e)),
    ).toEqual([false, false, true, true])
  })

  it('behavior: reopens at the checkpoint block after the last delivered transaction', () => {
    const cursor = new ChaincodeEventCursor({ startBlock: 3n })
    expect(cursor.position().checkpoint?.getBlockNumber()).toBe(3n)
    expect(cursor.position().checkpoint?.getTransactionId()).toBeUndefined()
    cursor.accept(event(9, 'x'))
    const { checkpoint } = cursor.position()
    expect([checkpoint?.getBlockNumber(), checkpoint?.getTransactionId()]).toEqual([9n, 'x'])
  })

  it('args: starts from an application checkpoint', () => {
    const cursor = new ChaincodeEventCursor({
      checkpoint: { getBlockNumber: () => 4n, getTransactionId: () => 't1' },
    })
    expect(cursor.accept(event(4, 't1'))).toBe(false)
    expect(cursor.accept(event(4, 't2'))).toBe(true)
    cursor.pin(100n) // a pinned start never overrides a position
    expect(cursor.position().checkpoint?.getBlockNumber()).toBe(4n)
  })
})

describe('BlockCursor', () => {
  it('behavior: delivers each block number once and reopens at the next block', () => {
    const cursor = new BlockCursor<number>((n) => BigInt(n))
    expect(cursor.position()).toEqual({})
    expect([1, 2, 2, 1, 3].map((n) => cursor.accept(n))).toEqual([true, true, false, false, true])
    expect(cursor.position()).toEqual({ startBlock: 4n })
  })

  it('args: a checkpoint block is the next block to read', () => {
    const cursor = new BlockCursor<number>((n) => BigInt(n), {
      checkpoint: { getBlockNumber: () => 10n, getTransactionId: () => undefined },
    })
    expect(cursor.accept(9)).toBe(false)
    expect(cursor.accept(10)).toBe(true)
  })
})
