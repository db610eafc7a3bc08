// Started as a child process by lifecycle.test.ts: serves one scrape, closes, and must then
// exit on its own. A handle left open by the monitor would keep it alive until killed.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEndpointSet } from '@steadfast/core'
import { startMonitor } from '@steadfast/monitor'

const replica = createServer((_req, res) => res.end('{}'))
await new Promise<void>((r) => replica.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${(replica.address() as AddressInfo).port}`
const set = createEndpointSet({ name: 'main', endpoints: [url] })
const monitor = await startMonitor({ sets: [set], port: 0, token: 'exit-test-token-0123456789' })
await set.execute(async (ep) => (await fetch(ep.url)).text())
const scraped = await (await fetch(`${monitor.url}/metrics`)).text()
await (
  await fetch(`${monitor.url}/cordon`, {
    method: 'POST',
    headers: { authorization: 'Bearer exit-test-token-0123456789' },
    body: JSON.stringify({ set: 'main', endpoint: set.endpoints[0]!.id, ttlMs: 3_600_000 }),
  })
).text()
await monitor.close()
await set.close()
replica.close()
process.stdout.write(scraped.includes('steadfast_requests_total') ? 'scraped\n' : 'no metrics\n')
