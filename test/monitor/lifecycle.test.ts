import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

describe('monitor lifecycle', () => {
  it('behavior: after close() nothing keeps the process alive (scrape and a TTL cordon included)', async () => {
    const result = await new Promise<{ code: number | null; out: string; err: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', 'tsx', here('./support/exit-after-close.ts')],
          {
            cwd: here('../../'),
            env: {
              PATH: process.env.PATH ?? '',
              TSX_TSCONFIG_PATH: here('./support/tsconfig.child.json'),
            },
            // A leaked handle would keep the child alive; then it is killed and the test fails.
            timeout: 30_000,
          },
          (_e, out, err) => resolve({ code: child.exitCode, out, err }),
        )
      },
    )
    expect(result.err).toBe('')
    expect(result.out).toBe('scraped\n')
    expect(result.code).toBe(0)
  })
})
