import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { createEndpointSet, type Endpoint } from '@steadfast/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFailoverKubo } from './index.js'
import { scrubError } from './scrub-error.js'

const PASS = 'pw-7f3a9b2c1d'
const PATHKEY = 'c0de456789abcdef0123456789abcdef'
const HEADER = 'HEADERsecret-5e6f7a8b'
const SECRETS = [PASS, PATHKEY, HEADER, Buffer.from(`alice:${PASS}`).toString('base64')]

describe('errors carry no endpoint secret', () => {
  let server: Server
  let port: number
  beforeAll(async () => {
    // A careless upstream: 500, quoting the request line and credentials back.
    server = createServer((req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(
        `cannot serve ${req.url} (auth ${req.headers.authorization}, x ${req.headers['x-key']})`,
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('behavior: scrubError removes URL parts, header values and the raw response URL', async () => {
    const url = `http://alice:${PASS}@127.0.0.1:${port}/v3/${PATHKEY}`
    const endpoint = createEndpointSet({ endpoints: [{ url, headers: { 'x-key': HEADER } }] })
      .endpoints[0] as Endpoint
    const response = await fetch(`http://127.0.0.1:${port}/v3/${PATHKEY}/api/v0/id`, {
      method: 'POST',
      headers: { authorization: `Basic ${SECRETS[3]}`, 'x-key': HEADER },
    })
    const error = Object.assign(new Error(await response.text()), { name: 'HTTPError', response })
    const wrapped = new TypeError('outer', { cause: error })
    const text = inspect(scrubError(wrapped, endpoint), { depth: 12 })
    expect(text).toContain('cannot serve')
    expect((error as unknown as { response: { status: number } }).response.status).toBe(500)
    for (const secret of SECRETS) expect(text).not.toContain(secret)
  })

  it('error: a stream failing on a 500 quoting the request back leaks no secret', async () => {
    const kubo = createFailoverKubo({
      endpoints: [
        {
          url: `http://alice:${PASS}@127.0.0.1:${port}/v3/${PATHKEY}`,
          headers: { 'x-key': HEADER },
        },
      ],
      probe: false,
      attemptTimeoutMs: 1_000,
      deadlineMs: 3_000,
      maxAttempts: 1,
    })
    try {
      const streamError = await (async () => {
        for await (const _ of kubo.cat('bafkqaaa')) {
          // drain
        }
      })().catch((e: unknown) => e)
      for (const error of [streamError]) {
        const text = inspect(error, { depth: 12 })
        expect(text).toContain('cannot serve') // the upstream's answer is still there…
        for (const secret of SECRETS) expect(text).not.toContain(secret) // …without the secrets
      }
    } finally {
      await kubo.failover.close()
    }
  })
})
