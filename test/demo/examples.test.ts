import { beforeAll, describe, expect, it } from 'vitest'
import { build, runTs } from './run-example.js'

/** Each runnable example: its entry, and the line it prints when its app got through the fault. */
const examples = [
  { name: 'dapp-ethers', ok: 'dapp-ethers: OK' },
  { name: 'fabric-app', ok: 'fabric-app: OK' },
  { name: 'ipfs-app', ok: 'ipfs-app: OK' },
  { name: 'kubernetes', ok: 'kubernetes: OK' },
] as const

beforeAll(async () => {
  for (const e of examples) await build(`examples/${e.name}`)
}, 300_000)

describe('runnable examples', () => {
  for (const e of examples) {
    it(`behavior: ${e.name} runs against the testkit, survives the replica it uses being killed, and exits 0`, async () => {
      const run = await runTs(`examples/${e.name}/src/main.ts`, [], 180_000)
      expect(run.stdout).toContain('killed')
      expect(run.stdout).toContain(e.ok)
      expect(run.code, run.stderr).toBe(0)
    }, 200_000)
  }
})
