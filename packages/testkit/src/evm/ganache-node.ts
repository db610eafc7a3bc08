import { createRequire } from 'node:module'
import { freePort } from '../process/free-port.js'
import { type ManagedProcess, spawnManaged } from '../process/spawn-managed.js'
import { TestkitError } from '../process/testkit-error.js'

/** Everything that makes two ganache nodes start on the same chain. */
export interface GanacheChainConfig {
  chainId: number
  mnemonic: string
  /** Genesis timestamp (ISO date); fixed so genesis hashes match. */
  time: string
  /** Funded accounts derived from the mnemonic. */
  accounts: number
  /** Extra command-line arguments, appended last. */
  extraArgs: readonly string[]
}

const require = createRequire(import.meta.url)
let cliPath: string | undefined

/** ganache's CLI entry, resolved from this package (started with `node` directly: npx orphans it). */
export function ganacheCliPath(): string {
  cliPath ??= require.resolve('ganache/dist/node/cli.js')
  return cliPath
}

export function ganacheArgs(chain: GanacheChainConfig, port: number, dbPath: string): string[] {
  return [
    ganacheCliPath(),
    ...['--server.host', '127.0.0.1', '--server.port', String(port), '--server.ws', 'false'],
    ...['--wallet.mnemonic', chain.mnemonic, '--wallet.totalAccounts', String(chain.accounts)],
    ...['--chain.chainId', String(chain.chainId), '--chain.time', chain.time],
    // Block timestamps advance by 12 s per block, not by the wall clock: replayed blocks match.
    ...['--miner.timestampIncrement', '12', '--database.dbPath', dbPath],
    // Without it ganache prints every RPC method it serves: the relay's polling would flood stdout.
    ...['--logging.quiet', 'true'],
    ...chain.extraArgs,
  ]
}

/** Starts ganache on `port` and resolves once its RPC listens. */
export async function spawnGanache(
  chain: GanacheChainConfig,
  port: number,
  dbPath: string,
  signal?: AbortSignal,
): Promise<ManagedProcess> {
  const proc = spawnManaged(process.execPath, ganacheArgs(chain, port, dbPath), {
    keepOutputBytes: 8_192,
  })
  try {
    await proc.waitForOutput(/RPC Listening on/, signal ? { signal } : {})
    return proc
  } catch (err) {
    await proc.close()
    throw err
  }
}

/** Starts ganache on a fresh free port, retrying if another process took the port first. */
export async function spawnGanacheOnFreePort(
  chain: GanacheChainConfig,
  dbPath: string,
  signal?: AbortSignal,
): Promise<{ proc: ManagedProcess; port: number }> {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    try {
      return { proc: await spawnGanache(chain, port, dbPath, signal), port }
    } catch (err) {
      signal?.throwIfAborted()
      lastError = err
    }
  }
  throw new TestkitError('EVM_START_FAILED', 'ganache did not start', { cause: lastError })
}
