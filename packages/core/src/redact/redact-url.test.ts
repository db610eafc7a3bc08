import { describe, expect, it } from 'vitest'
import { redactText } from './redact-text.js'
import { redactUrl } from './redact-url.js'

describe('redactUrl', () => {
  it.each([
    ['http://127.0.0.1:8545', 'http://127.0.0.1:8545'],
    ['http://127.0.0.1:8545/', 'http://127.0.0.1:8545/'],
    ['https://user:secret@node.test/rpc', 'https://***@node.test/rpc'],
    [
      'https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef',
      'https://mainnet.infura.io/v3/***',
    ],
    [
      'https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456GhIjKl7890',
      'https://eth-mainnet.g.alchemy.com/v2/***',
    ],
    ['https://rpc.test/?apikey=abc&chain=1', 'https://rpc.test/?apikey=***&chain=1'],
    [
      'https://rpc.test/x?access_token=abc&api_key=z&Password=p&auth=q',
      'https://rpc.test/x?access_token=***&api_key=***&Password=***&auth=***',
    ],
    ['grpcs://peer0.org1.test:7051', 'grpcs://peer0.org1.test:7051'],
    ['http://127.0.0.1:5001/api/v0', 'http://127.0.0.1:5001/api/v0'],
    ['https://node.test/#token=abc', 'https://node.test/'],
  ])('redacts %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected)
  })

  it('behavior: never throws and still scrubs what it cannot parse', () => {
    expect(redactUrl('not a url user:pw@ ?token=abc')).not.toContain('abc')
    expect(redactUrl('//u:p@host/x')).toBe('//***@host/x')
  })
})

describe('redactText', () => {
  it('behavior: scrubs the secrets of known urls anywhere in a message', () => {
    const url = 'https://alice:hunter22@node.test/v3/0123456789abcdef0123456789abcdef'
    const msg = `request to ${url} failed; key 0123456789abcdef0123456789abcdef rejected for alice:hunter22`
    const out = redactText(msg, [url])
    expect(out).not.toContain('hunter22')
    expect(out).not.toContain('0123456789abcdef0123456789abcdef')
    expect(out).toContain('https://***@node.test/v3/***')
  })

  it('behavior: redacts urls found in text even when not listed', () => {
    expect(redactText('GET https://x.test/?token=abc failed')).toBe(
      'GET https://x.test/?token=*** failed',
    )
  })

  it('behavior: masks the Basic value derived from a known url userinfo', () => {
    const url = 'http://alice:hunter22@node.test/'
    const basic = Buffer.from('alice:hunter22').toString('base64')
    expect(redactText(`upstream echoed Authorization: Basic ${basic}`, [url])).not.toContain(basic)
  })

  it('behavior: masks userinfo of a scheme-less address, leaves host:port and mail alone', () => {
    expect(redactText('bad address "alice:hunter22@10.0.0.1:7051"')).toBe(
      'bad address "***@10.0.0.1:7051"',
    )
    expect(redactText('peer0:7051 and a@b.test')).toBe('peer0:7051 and a@b.test')
  })
})
