/**
 * `pnpm bench [area…]`: runs every `bench/<area>.bench.ts` (or only the named areas) in one
 * process, one after another, so each prints its side-by-side table from the same run.
 * A bench module default-exports `async function run(ctx: BenchContext): Promise<void>`.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface BenchContext {
  /** `--quick`: fewer iterations, for smoke runs. */
  quick: boolean
  /** Prints a titled table (rows of equal keys) to stdout. */
  table(title: string, rows: Record<string, string | number>[]): void
}

const dir = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const wanted = args.filter((a) => !a.startsWith('--'))
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.ts', '')))
  .sort()

const ctx: BenchContext = {
  quick,
  table(title, rows) {
    console.log(`\n${title}`)
    console.table(rows)
  },
}

for (const f of files) {
  const started = Date.now()
  console.log(`\n=== ${f.replace('.bench.ts', '')} ===`)
  const mod = (await import(pathToFileURL(`${dir}${f}`).href)) as {
    default: (c: BenchContext) => Promise<void>
  }
  await mod.default(ctx)
  console.log(`(${f}: ${((Date.now() - started) / 1000).toFixed(1)} s)`)
}
process.exit(0)
