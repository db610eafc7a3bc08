import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const pkg = (name: string) =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url))

// Tests run on sources: each workspace package resolves to its src/index.ts.
export default defineConfig({
  resolve: {
    alias: Object.fromEntries(
      ['core', 'testkit', 'ethers', 'fabric', 'kubo', 'monitor'].map((n) => [
        `@steadfast/${n}`,
        pkg(n),
      ]),
    ),
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/chaos/long/**'],
    pool: 'forks',
    // Real replica sets are heavy on 2 cores: run at most two files at once.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
})
