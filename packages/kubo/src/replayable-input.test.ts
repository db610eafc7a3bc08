import { describe, expect, it } from 'vitest'
import { ReplayOverflow, replayableInput } from './replayable-input.js'

async function drain(source: unknown): Promise<string> {
  const parts: string[] = []
  for await (const chunk of source as AsyncIterable<Uint8Array>)
    parts.push(Buffer.from(chunk).toString())
  return parts.join('')
}

async function* oneShot(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p)
}

describe('replayableInput', () => {
  it('behavior: a one-shot stream is replayed identically to a second reader', async () => {
    const input = replayableInput(oneShot('ab', 'cd', 'ef'), 1_000)
    expect(await drain(input.value)).toBe('abcdef')
    expect(await drain(input.value)).toBe('abcdef')
    expect(input.overflowed).toBe(false)
  })

  it('behavior: a reader that stopped midway leaves the rest for the retry', async () => {
    const input = replayableInput(oneShot('ab', 'cd', 'ef'), 1_000)
    for await (const _ of input.value as AsyncIterable<Uint8Array>) break
    expect(await drain(input.value)).toBe('abcdef')
  })

  it('behavior: the content of a { path, content } candidate is replayed', async () => {
    const input = replayableInput({ path: 'a.txt', content: oneShot('x', 'y') }, 1_000)
    const value = input.value as { path: string; content: unknown }
    expect(value.path).toBe('a.txt')
    expect(await drain(value.content)).toBe('xy')
    expect(await drain(value.content)).toBe('xy')
  })

  it('args: bytes and strings are passed through untouched', () => {
    const bytes = new Uint8Array([1, 2, 3])
    expect(replayableInput(bytes, 1).value).toBe(bytes)
    expect(replayableInput('text', 1).value).toBe('text')
  })

  it('error: past the byte budget the first reader still gets everything, a replay throws', async () => {
    const input = replayableInput(oneShot('aaaa', 'bbbb', 'cccc'), 6)
    expect(await drain(input.value)).toBe('aaaabbbbcccc')
    expect(input.overflowed).toBe(true)
    await expect(drain(input.value)).rejects.toBeInstanceOf(ReplayOverflow)
  })
})
