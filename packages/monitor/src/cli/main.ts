#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { runCli } from './run-cli.js'

/** `steadfast` entry point: see `steadfast --help`. */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}
const stop = new AbortController()
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort())
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  version: pkg.version,
  signal: stop.signal,
})
// The signal handlers would otherwise be the last thing keeping the process around.
process.removeAllListeners('SIGINT')
process.removeAllListeners('SIGTERM')
