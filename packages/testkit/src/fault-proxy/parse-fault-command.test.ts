import { describe, expect, it } from 'vitest'
import { parseFaultCommand } from './parse-fault-command.js'

describe('parseFaultCommand', () => {
  it('args: parses every mode with its numbers', () => {
    expect(parseFaultCommand('pass')).toEqual({
      kind: 'mode',
      mode: { kind: 'pass' },
      resetOpen: true,
    })
    expect(parseFaultCommand(' slow 200 ').mode).toEqual({ kind: 'slow', delayMs: 200 })
    expect(parseFaultCommand('slow 0 5000').mode).toEqual({
      kind: 'slow',
      delayMs: 0,
      bytesPerSecond: 5000,
    })
    expect(parseFaultCommand('cut 10').mode).toEqual({ kind: 'cut', afterBytes: 10 })
    expect(parseFaultCommand('http 500 {"a": 1}').mode).toEqual({
      kind: 'http',
      status: 500,
      body: '{"a": 1}',
    })
    expect(parseFaultCommand('http 429').mode).toEqual({
      kind: 'http',
      status: 429,
      headers: { 'Retry-After': '1' },
    })
  })

  it('args: --keep leaves open connections alone', () => {
    expect(parseFaultCommand('hang --keep')).toEqual({
      kind: 'mode',
      mode: { kind: 'hang' },
      resetOpen: false,
    })
  })

  it('args: recognises the CLI commands', () => {
    expect(parseFaultCommand('stats')).toEqual({ kind: 'stats' })
    expect(parseFaultCommand('quit')).toEqual({ kind: 'quit' })
  })

  it('error: rejects unknown verbs and bad numbers', () => {
    expect(() => parseFaultCommand('explode')).toThrow(/unknown command/)
    expect(() => parseFaultCommand('cut many')).toThrow(/afterBytes must be a number/)
    expect(() => parseFaultCommand('http 99')).toThrow(/status/)
  })
})
