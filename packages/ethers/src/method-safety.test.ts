import { describe, expect, it } from 'vitest'
import { METHOD_SAFETY, methodSafety } from './method-safety.js'

describe('methodSafety', () => {
  it.each([
    ['eth_call', 'read'],
    ['eth_getBalance', 'read'],
    ['eth_getLogs', 'read'],
    ['eth_getTransactionReceipt', 'read'],
    ['debug_traceTransaction', 'read'],
    ['eth_sendRawTransaction', 'rawTransaction'],
    ['eth_sendTransaction', 'nodeSigned'],
    ['eth_sign', 'nodeSigned'],
    ['personal_unlockAccount', 'nodeSigned'],
    ['eth_newFilter', 'filter'],
    ['eth_getFilterChanges', 'filter'],
    ['eth_uninstallFilter', 'filter'],
    ['evm_mine', 'unsafe'],
    ['admin_addPeer', 'unsafe'],
  ])('args: %s is %s', (method, safety) => {
    expect(methodSafety(method)).toBe(safety)
  })

  it('behavior: the table is frozen so no caller can loosen it at run time', () => {
    expect(Object.isFrozen(METHOD_SAFETY)).toBe(true)
  })
})
