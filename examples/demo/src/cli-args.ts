import { parseArgs } from 'node:util'
import { DemoError } from './demo-error.js'

/** What `pnpm demo [options]` was asked to do. */
export interface DemoArgs {
  /** How long the workload and the chaos script run, in seconds. @default 75 */
  durationS: number
  /** `--config <file>`: a steadfast.config.(json|yaml) describing the user's own endpoint sets. */
  configPath: string | undefined
  /** `--no-chaos`: run the workload without injecting faults. Always off for a user's config. */
  chaos: boolean
  /** `--plain`: progress lines even on a TTY (the default view on a TTY is a refreshing table). */
  plain: boolean
  /** `--only evm,ipfs`: run a subset of the backends. @default all three */
  only: readonly BackendName[] | undefined
  /** `--summary-json <file>`: also write the summary as JSON (for scripts and tests). */
  summaryJson: string | undefined
  help: boolean
}

export type BackendName = 'evm' | 'fabric' | 'ipfs'
export const backendNames: readonly BackendName[] = ['evm', 'fabric', 'ipfs']

export const usage = `Usage: pnpm demo [--duration <s>] [--config steadfast.config.yaml] [--only evm,fabric,ipfs] [--no-chaos] [--plain]

Starts 3 EVM replicas, 3 Fabric peers and 3 IPFS nodes on loopback (or uses the endpoint sets of
--config), runs token transfers, asset transfers and document storage through the Steadfast clients
while a chaos script kills, hangs and lags replicas, then prints a summary. Exit code 0 only if
nothing was lost.

  --duration <s>   workload length in seconds, 10..3600 (default 75)
  --config <file>  steadfast.config.json or .yaml with your own endpoint sets (no chaos is injected)
  --only <list>    comma-separated subset of evm,fabric,ipfs
  --no-chaos       run the workload without faults
  --plain          plain progress lines instead of the live table
  --summary-json <file>  also write the summary as JSON
`

/** Parses the demo's command line; throws `DemoError('INVALID_ARGUMENT')` naming the bad option. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let parsed: ReturnType<typeof parse>
  try {
    // `pnpm demo -- --duration 30` passes the `--` through: drop it.
    parsed = parse(argv[0] === '--' ? argv.slice(1) : argv)
  } catch (e) {
    throw new DemoError('INVALID_ARGUMENT', (e as Error).message, { cause: e })
  }
  const { values } = parsed
  const durationS = values.duration === undefined ? 75 : Number(values.duration)
  if (!Number.isFinite(durationS) || durationS < 10 || durationS > 3600) {
    throw new DemoError(
      'INVALID_ARGUMENT',
      `--duration must be a number of seconds between 10 and 3600, got ${JSON.stringify(values.duration)}`,
    )
  }
  return {
    durationS,
    configPath: values.config,
    chaos: !values['no-chaos'],
    plain: values.plain === true,
    only: values.only === undefined ? undefined : parseOnly(values.only),
    summaryJson: values['summary-json'],
    help: values.help === true,
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      duration: { type: 'string' },
      config: { type: 'string' },
      only: { type: 'string' },
      'summary-json': { type: 'string' },
      'no-chaos': { type: 'boolean' },
      plain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

function parseOnly(list: string): BackendName[] {
  const names = list.split(',').map((s) => s.trim())
  for (const n of names) {
    if (!backendNames.includes(n as BackendName)) {
      throw new DemoError(
        'INVALID_ARGUMENT',
        `--only: unknown backend ${JSON.stringify(n)} (expected ${backendNames.join(', ')})`,
      )
    }
  }
  return names as BackendName[]
}
