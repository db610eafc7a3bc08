import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCliArgs, UsageError } from './parse-cli-args.js'

const URL_ = 'http://127.0.0.1:9465'
const usage = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    parseCliArgs(argv, env)
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  throw new Error('accepted')
}

describe('parseCliArgs', () => {
  it('args: status with --json', () => {
    expect(parseCliArgs(['status', URL_, '--json'], {})).toMatchObject({
      kind: 'status',
      json: true,
    })
  })

  it('args: cordon with ttl, reason and the token from STEADFAST_TOKEN', () => {
    const cmd = parseCliArgs(
      ['cordon', URL_, '--set', 'main', '--endpoint', 'a:1', '--ttl', '90s', '--reason', 'maint'],
      { STEADFAST_TOKEN: 'from-env' },
    )
    expect(cmd).toMatchObject({
      kind: 'cordon',
      token: 'from-env',
      body: { set: 'main', endpoint: 'a:1', ttlMs: 90_000, reason: 'maint' },
    })
  })

  it('args: --token wins over the environment', () => {
    const cmd = parseCliArgs(['rebalance', URL_, '--set', 's', '--token', 'flag'], {
      STEADFAST_TOKEN: 'env',
    })
    expect(cmd).toMatchObject({ kind: 'rebalance', token: 'flag', body: { set: 's' } })
  })

  it('args: --token-file reads and trims the token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadfast-cli-'))
    try {
      writeFileSync(join(dir, 'token'), 'from-file-0123456789\n')
      const cmd = parseCliArgs(
        ['rebalance', URL_, '--set', 's', '--token-file', join(dir, 'token')],
        { STEADFAST_TOKEN: 'env' },
      )
      expect(cmd).toMatchObject({ token: 'from-file-0123456789' })
      expect(usage(['rebalance', URL_, '--set', 's', '--token-file', join(dir, 'nope')])).toMatch(
        /cannot read .*ENOENT/,
      )
      expect(
        usage([
          'rebalance',
          URL_,
          '--set',
          's',
          '--token-file',
          join(dir, 'token'),
          '--token',
          't',
        ]),
      ).toMatch(/give one/)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('error: clear usage errors', () => {
    expect(usage([])).toMatch(/missing command/)
    expect(usage(['status'])).toMatch(/missing <url>/)
    expect(usage(['status', 'ftp://x'])).toMatch(/http/)
    expect(usage(['status', 'not a url'])).toMatch(/not a URL/)
    expect(usage(['explode', URL_])).toMatch(/unknown command: explode/)
    expect(usage(['cordon', URL_, '--set', 's', '--token', 't'])).toMatch(/--endpoint is required/)
    expect(usage(['rebalance', URL_, '--token', 't'])).toMatch(/--set is required/)
    expect(usage(['rebalance', URL_, '--set', 's'])).toMatch(/token is required/)
    expect(
      usage(['cordon', URL_, '--set', 's', '--endpoint', 'e', '--ttl', 'soon', '--token', 't']),
    ).toMatch(/--ttl/)
    expect(usage(['uncordon', URL_, '--set', 's', '--ttl', '5s', '--token', 't'])).toMatch(
      /--ttl is not used/,
    )
    expect(usage(['status', URL_, '--bogus'])).toMatch(/bogus/)
    expect(usage(['status', URL_, 'extra'])).toMatch(/unexpected argument/)
    expect(usage(['rebalance', URL_, '--set', 's', '--token', 't', '--watch', '1s'])).toMatch(
      /--watch: only for status/,
    )
  })
})
