import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { redactUrl } from '@steadfast/core'
import { parseDuration } from '../parse-duration.js'

/** A command line, parsed and checked. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'status'; url: URL; json: boolean; timeoutMs: number; watchMs: number | undefined }
  | {
      kind: 'rebalance' | 'cordon' | 'uncordon' | 'prefer'
      url: URL
      json: boolean
      timeoutMs: number
      token: string
      body: { set: string; endpoint?: string; ttlMs?: number; reason?: string }
    }

/** A command line that cannot run; exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export const USAGE = `Usage:
  steadfast status <url> [--json] [--watch 2s]
  steadfast rebalance <url> --set S [--endpoint E] [--reason R]
  steadfast cordon    <url> --set S --endpoint E [--ttl 60s] [--reason R]
  steadfast uncordon  <url> --set S [--endpoint E] [--reason R]
  steadfast prefer    <url> --set S --endpoint E [--ttl 60s] [--reason R]

  <url>           base URL of a running monitor, e.g. http://127.0.0.1:9465
  --set S         endpoint set name
  --endpoint E    endpoint id or host:port (uncordon without it: every cordoned endpoint)
  --ttl D         how long a cordon or prefer lasts: 30s, 5m, 1h (default: until undone)
  --reason R      recorded with the state change
  --token T       bearer token for rebalance/cordon/uncordon/prefer (or env STEADFAST_TOKEN)
  --token-file F  read the token from a file (keeps it out of the process list)
  --json          machine-readable output
  --watch D       status: refresh every D until Ctrl-C (redraws in place on a TTY)
  --timeout D     HTTP timeout (default 10s)
  -h, --help      this text;  -v, --version  the version

Exit codes: 0 done, 1 monitor unreachable or failed, 2 usage error, 3 refused by the monitor.`

const ACTIONS = ['rebalance', 'cordon', 'uncordon', 'prefer'] as const
type ActionKind = (typeof ACTIONS)[number]

function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const ms = parseDuration(text)
  if (ms === undefined) throw new UsageError(`--${flag}: not a duration such as 30s, 5m or 1h`)
  return ms
}

function monitorUrl(text: string | undefined): URL {
  if (text === undefined) throw new UsageError('missing <url> of the monitor')
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`<url>: not a URL: ${redactUrl(text)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('<url>: must start with http:// or https://')
  }
  return url
}

/** Parses argv (without node and script) with node:util parseArgs; throws {@link UsageError}. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values: v, positionals } = parsed
  if (v.help) return { kind: 'help' }
  if (v.version) return { kind: 'version' }
  const [command, urlText, ...rest] = positionals
  if (command === undefined) throw new UsageError('missing command')
  if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`)
  const common = {
    url: monitorUrl(urlText),
    json: v.json ?? false,
    timeoutMs: duration('timeout', v.timeout, 10_000),
  }
  if (command === 'status') {
    for (const flag of ['set', 'endpoint', 'ttl', 'reason'] as const) {
      if (v[flag] !== undefined) throw new UsageError(`--${flag}: not used by status`)
    }
    const watchMs = v.watch === undefined ? undefined : duration('watch', v.watch, 0)
    return { kind: 'status', ...common, watchMs }
  }
  if (!ACTIONS.includes(command as ActionKind)) throw new UsageError(`unknown command: ${command}`)
  if (v.watch !== undefined) throw new UsageError(`--watch: only for status`)
  const kind = command as ActionKind
  if (v.set === undefined) throw new UsageError(`${kind}: --set is required`)
  if ((kind === 'cordon' || kind === 'prefer') && v.endpoint === undefined) {
    throw new UsageError(`${kind}: --endpoint is required`)
  }
  if ((kind === 'rebalance' || kind === 'uncordon') && v.ttl !== undefined) {
    throw new UsageError(`${kind}: --ttl is not used`)
  }
  if (v.token !== undefined && v['token-file'] !== undefined) {
    throw new UsageError('--token and --token-file: give one')
  }
  const token = v.token ?? readToken(v['token-file']) ?? env.STEADFAST_TOKEN
  if (!token) throw new UsageError(`${kind}: a token is required (--token or STEADFAST_TOKEN)`)
  const body: Extract<CliCommand, { token: string }>['body'] = { set: v.set }
  if (v.endpoint !== undefined) body.endpoint = v.endpoint
  if (v.ttl !== undefined) body.ttlMs = duration('ttl', v.ttl, 0)
  if (v.reason !== undefined) body.reason = v.reason
  return { kind, ...common, token, body }
}

function readToken(path: string | undefined): string | undefined {
  if (path === undefined) return undefined
  try {
    return readFileSync(path, 'utf8').trim()
  } catch (error) {
    throw new UsageError(
      `--token-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    )
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      set: { type: 'string' },
      endpoint: { type: 'string' },
      ttl: { type: 'string' },
      reason: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      watch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  })
}
