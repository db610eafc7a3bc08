import { redactText } from '@steadfast/core'
import pc from 'picocolors'
import type { StatusSnapshot } from '../status-snapshot.js'
import { type CliCommand, parseCliArgs, USAGE, UsageError } from './parse-cli-args.js'
import { renderStatusTable } from './render-status-table.js'

/** Where the CLI writes, and what it reads from its environment (injectable for tests). */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean }
  stderr: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  version: string
  /** Ends `status --watch` (main.ts aborts it on SIGINT/SIGTERM). */
  signal?: AbortSignal
}

/** Exit codes, as documented in the usage text. */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const

interface Answer {
  status: number
  body: unknown
}

async function request(cmd: Exclude<CliCommand, { kind: 'help' | 'version' }>): Promise<Answer> {
  const base = cmd.url.href.endsWith('/') ? cmd.url.href : `${cmd.url.href}/`
  const target = new URL(cmd.kind, base)
  const init: RequestInit = { signal: AbortSignal.timeout(cmd.timeoutMs) }
  if (cmd.kind !== 'status') {
    init.method = 'POST'
    init.headers = { authorization: `Bearer ${cmd.token}`, 'content-type': 'application/json' }
    init.body = JSON.stringify(cmd.body)
  }
  const res = await fetch(target, init)
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) as unknown }
  } catch {
    return { status: res.status, body: { error: { message: text.slice(0, 200) } } }
  }
}

function errorText(body: unknown): string {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error
  return typeof e?.message === 'string'
    ? `${e.message}${typeof e.code === 'string' ? ` (${e.code})` : ''}`
    : 'no details'
}

function done(cmd: Extract<CliCommand, { token: string }>, body: unknown): string {
  const r = body as { endpoints?: string[]; current?: string | null }
  const on = r.endpoints?.length ? ` ${r.endpoints.join(', ')}` : ''
  return `${cmd.kind}${on} in set ${cmd.body.set}: done; now holding ${r.current ?? 'nothing'}\n`
}

/**
 * Runs one CLI invocation and resolves to its exit code. Never throws. Everything it prints goes
 * through `redactText` with the URLs given on the command line: a monitor URL may carry
 * basic-auth or a `?token=`, and fetch and the monitor may quote it back.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const urls = argv.filter((a) => /^[a-z][a-z0-9+.-]*:\/\//i.test(a))
  const stdout: CliIo['stdout'] = { write: (t: string) => io.stdout.write(redactText(t, urls)) }
  if (io.stdout.isTTY !== undefined) stdout.isTTY = io.stdout.isTTY
  const stderr = { write: (t: string) => io.stderr.write(redactText(t, urls)) }
  return run(argv, { ...io, stdout, stderr })
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let cmd: CliCommand
  try {
    cmd = parseCliArgs(argv, io.env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`steadfast: ${error.message}\n\n${USAGE}\n`)
    return EXIT.usage
  }
  if (cmd.kind === 'help') {
    io.stdout.write(`${USAGE}\n`)
    return EXIT.ok
  }
  if (cmd.kind === 'version') {
    io.stdout.write(`${io.version}\n`)
    return EXIT.ok
  }
  if (cmd.kind === 'status' && cmd.watchMs !== undefined) return watch(cmd, cmd.watchMs, io)
  return once(cmd, io)
}

type Runnable = Exclude<CliCommand, { kind: 'help' | 'version' }>

/** One request and its output; resolves to the exit code. */
async function once(cmd: Runnable, io: CliIo, clear = ''): Promise<number> {
  let answer: Answer
  try {
    answer = await request(cmd)
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message
    io.stderr.write(`steadfast: cannot reach the monitor at ${cmd.url.origin}: ${why}\n`)
    return EXIT.failed
  }
  if (cmd.json) io.stdout.write(`${clear}${JSON.stringify(answer.body, null, 2)}\n`)
  if (answer.status >= 400) {
    io.stderr.write(
      `steadfast: ${cmd.kind} failed: HTTP ${answer.status}: ${errorText(answer.body)}\n`,
    )
    return answer.status >= 500 ? EXIT.failed : EXIT.refused
  }
  if (!cmd.json) {
    if (cmd.kind === 'status') {
      const colors = pc.createColors(Boolean(io.stdout.isTTY) && !io.env.NO_COLOR)
      io.stdout.write(`${clear}${renderStatusTable(answer.body as StatusSnapshot, colors)}\n`)
    } else io.stdout.write(done(cmd, answer.body))
  }
  return EXIT.ok
}

/** `status --watch`: redraws every `everyMs` until the signal fires; keeps going when a poll fails. */
async function watch(cmd: Runnable, everyMs: number, io: CliIo): Promise<number> {
  // On a TTY the table is redrawn in place; piped, each refresh follows the last after a blank line.
  const clear = io.stdout.isTTY ? '\u001b[H\u001b[2J' : ''
  let first = true
  while (!io.signal?.aborted) {
    if (!first && !clear) io.stdout.write('\n')
    first = false
    await once(cmd, io, clear)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(wake, everyMs)
      function wake(): void {
        clearTimeout(timer)
        io.signal?.removeEventListener('abort', wake)
        resolve()
      }
      io.signal?.addEventListener('abort', wake, { once: true })
    })
  }
  return EXIT.ok
}
