import { createRequire } from 'node:module'
import path from 'node:path'
import { freePort, type ManagedProcess, spawnManaged, waitForPort } from '@steadfast/testkit'

const require = createRequire(new URL('../../../packages/ethers/package.json', import.meta.url))

/** The test mnemonic (ganache's accounts are derived from it). */
export const MNEMONIC = 'test test test test test test test test test test test junk'

/** One ganache node started by a test. */
export interface Ganache {
  url: string
  port: number
  process: ManagedProcess
  close(): Promise<void>
}

/** Starts ganache (instamine) on a free port with `chainId`. */
export async function startGanache(
  chainId = 1337,
  extra: readonly string[] = [],
): Promise<Ganache> {
  const cli = path.join(path.dirname(require.resolve('ganache')), 'cli.js')
  const port = await freePort()
  const proc = spawnManaged(process.execPath, [
    cli,
    '--server.host',
    '127.0.0.1',
    '--server.port',
    String(port),
    '--chain.chainId',
    String(chainId),
    '--wallet.mnemonic',
    MNEMONIC,
    '--wallet.totalAccounts',
    '4',
    '--logging.quiet',
    '--chain.time',
    '2024-01-01T00:00:00Z',
    '--miner.timestampIncrement',
    '12',
    ...extra,
  ])
  await waitForPort(port, { timeoutMs: 60_000 })
  return { url: `http://127.0.0.1:${port}`, port, process: proc, close: () => proc.close() }
}
