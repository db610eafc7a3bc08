import { describe, expect, it } from 'vitest'
import { checkBearer } from './bearer-auth.js'
import { HttpError } from './http-error.js'

const TOKEN = 'a-very-long-test-token-123'

function refusal(header: string | undefined, token: string | undefined): HttpError {
  try {
    checkBearer(header, token)
  } catch (error) {
    if (error instanceof HttpError) return error
    throw error
  }
  throw new Error('accepted')
}

describe('checkBearer', () => {
  it('behavior: accepts the exact token, case-insensitive scheme', () => {
    expect(() => checkBearer(`Bearer ${TOKEN}`, TOKEN)).not.toThrow()
    expect(() => checkBearer(`bearer ${TOKEN}`, TOKEN)).not.toThrow()
  })

  it('error: 401 for a missing, malformed, shorter, longer or wrong token', () => {
    for (const h of [
      undefined,
      '',
      TOKEN,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN.slice(1)}`,
      `Bearer ${TOKEN}x`,
      'Bearer  ',
      `Bearer ${TOKEN} extra`,
    ]) {
      const e = refusal(h, TOKEN)
      expect(e.status, String(h)).toBe(401)
      expect(e.headers['www-authenticate']).toMatch(/^Bearer/)
    }
  })

  it('error: 403 when the monitor has no token: mutations are disabled, not open', () => {
    expect(refusal(`Bearer ${TOKEN}`, undefined).status).toBe(403)
    expect(refusal(undefined, undefined).code).toBe('MUTATIONS_DISABLED')
  })
})
