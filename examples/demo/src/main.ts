/**
 * `pnpm demo`: three local replica sets (3 EVM, 3 Fabric peers, 3 IPFS nodes) or the user's own
 * (`--config`), an app running through the three Steadfast clients, a chaos script and a
 * monitoring trigger, a live view, and a summary that proves nothing was lost (exit code 0 only
 * then). See docs/getting-started.md.
 */
import { writeFile } from 'node:fs/promises'
import pc from 'picocolors'
import { loadBackends } from './backends/load-backends.js'
import { backendNames, type DemoArgs, parseDemoArgs, usage } from './cli-args.js'
import type { DemoConfig } from './config/demo-config.js'
import { loadDemoConfig } from './config/load-demo-config.js'
import { DemoError } from './demo-error.js'
import { runDemo } from './run-demo.js'

async function main(argv: readonly string[]): Promise<number> {
  let args: DemoArgs
  let config: DemoConfig | undefined
  try {
    args = parseDemoArgs(argv)
    if (args.help) {
      process.stdout.write(usage)
      return 0
    }
    config = args.configPath ? await loadDemoConfig(args.configPath) : undefined
  } catch (e) {
    if (e instanceof DemoError) {
      console.error(`${pc.red(e.code)} ${e.message}`)
      if (e.code === 'INVALID_ARGUMENT') console.error(`\n${usage}`)
      return 2
    }
    throw e
  }
  const configured = config ? backendNames.filter((n) => config[n] !== undefined) : backendNames
  const wanted = configured.filter((n) => !args.only || args.only.includes(n))
  const loaded = await loadBackends(wanted, config === undefined)
  const result = await runDemo({ args, config, loaded, signal: controller.signal })
  if (args.summaryJson)
    await writeFile(args.summaryJson, `${JSON.stringify(result.json, null, 2)}\n`)
  return result.ok ? 0 : 1
}

const controller = new AbortController()
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping, healing replicas and closing (press again to force)`)
    controller.abort()
    process.once(sig, () => process.exit(130))
  })
}

main(process.argv.slice(2)).then(
  (code) => {
    // Everything was closed; exit explicitly so a stray handle in a dependency cannot hang CI.
    process.exit(code)
  },
  (e: unknown) => {
    console.error(pc.red('demo crashed:'), e)
    process.exit(1)
  },
)
