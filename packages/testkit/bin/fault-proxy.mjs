#!/usr/bin/env node
// Tiny CLI around startFaultProxy (needs `pnpm build` first):
//   fault-proxy --target [host:]8545 [--port 9545] [--host 127.0.0.1] [--control-port 9546]
// Control: one command per line on stdin, or `curl -d 'hang' http://127.0.0.1:<control-port>`.
import { createServer } from 'node:http'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'

let lib
try {
  lib = await import('../dist/fault-proxy/index.js')
} catch {
  console.error('fault-proxy: build the package first (pnpm build)')
  process.exit(1)
}
const { FAULT_COMMAND_HELP, parseFaultCommand, startFaultProxy } = lib

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'control-port': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (values.help || !values.target) {
  console.log(
    `usage: fault-proxy --target [host:]port [--port N] [--host H] [--control-port N]\n${FAULT_COMMAND_HELP}`,
  )
  process.exit(values.help ? 0 : 2)
}
const [targetHost, targetPort] = values.target.includes(':')
  ? [
      values.target.slice(0, values.target.lastIndexOf(':')),
      values.target.slice(values.target.lastIndexOf(':') + 1),
    ]
  : ['127.0.0.1', values.target]
const proxy = await startFaultProxy({
  target: { host: targetHost, port: Number(targetPort) },
  host: values.host,
  port: Number(values.port),
})
console.log(`fault-proxy ${proxy.url()} -> ${targetHost}:${targetPort} (mode pass)`)

/** Runs one control line; returns the text to answer. */
async function run(line) {
  if (!line.trim()) return ''
  try {
    const cmd = parseFaultCommand(line)
    if (cmd.kind === 'help') return FAULT_COMMAND_HELP
    if (cmd.kind === 'stats') return JSON.stringify({ mode: proxy.mode, ...proxy.stats() })
    if (cmd.kind === 'quit') {
      setImmediate(shutdown)
      return 'bye'
    }
    await proxy.setMode(cmd.mode, { resetOpen: cmd.resetOpen })
    return `mode ${JSON.stringify(proxy.mode)}`
  } catch (err) {
    return `error: ${err.message}`
  }
}

let control
if (values['control-port'] !== undefined) {
  control = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', async () => {
      const answer = await run(req.method === 'GET' ? 'stats' : body)
      res.statusCode = answer.startsWith('error:') ? 400 : 200
      res.end(`${answer}\n`)
    })
  })
  control.listen(Number(values['control-port']), values.host, () =>
    console.log(
      `control http://${values.host}:${control.address().port} (POST a command, GET stats)`,
    ),
  )
}

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  const answer = await run(line)
  if (answer) console.log(answer)
})

async function shutdown() {
  rl.close()
  control?.close()
  await proxy.close()
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
