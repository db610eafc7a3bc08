#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { runCli } from './run-cli.js'

/** `steadfast` entry point: see `steadfast --help`. */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  version: pkg.version,
})
