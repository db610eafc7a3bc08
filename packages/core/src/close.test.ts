import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))

// Counts timers that are neither cleared nor fired: unref'd timers would let the process exit
// anyway, so the count is what proves close() cleaned up.
const script = `
const pending = new Set()
const { setTimeout: st, clearTimeout: ct } = globalThis
globalThis.setTimeout = (fn, ms, ...a) => { const t = st((...x) => { pending.delete(t); fn(...x) }, ms, ...a); pending.add(t); return t }
globalThis.clearTimeout = (t) => { pending.delete(t); ct(t) }
const { createEndpointSet, dnsDiscovery } = await import('./packages/core/src/index.ts')
const resolver = { resolve4: async () => ['127.0.0.1', '127.0.0.2'], resolve6: async () => [], resolveSrv: async () => [] }
const set = createEndpointSet({
  endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
  probe: async () => ({ ok: true }),
  health: { intervalMs: 50 },
  outlier: { consecutiveFailures: 1, baseEjectionMs: 600000 },
  hedge: { delayMs: 5 },
  discovery: dnsDiscovery({ hostname: 'x', port: 3, resolver, intervalMs: 50 }),
})
set.start()
await new Promise((r) => st(r, 200))
set.cordon('127.0.0.2:3', { ttlMs: 600000 })
set.prefer('127.0.0.1:3', { ttlMs: 600000 })
set.reportFailure('127.0.0.1:3', new Error('x'))
const call = set.execute(() => new Promise(() => {}), { deadlineMs: 600000 }).catch((e) => e.code)
await new Promise((r) => st(r, 20))
await set.close()
process.stdout.write('call:' + (await call) + ' pending:' + pending.size + '\\n')
`

it('behavior: close() stops every timer, probe and call, and the process exits by itself', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    out += d
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
  clearTimeout(killer)
  expect(out.trim()).toBe('call:CLOSED pending:0')
  expect(code).toBe(0)
})
