import type { BackendName } from '../cli-args.js'
import type { DemoConfig } from '../config/demo-config.js'
import type { DemoBackend, DocumentLedger } from './demo-backend.js'

/** What every backend factory receives. */
export interface BackendContext {
  /** The user's endpoint sets, or undefined to start local replicas from the testkit. */
  config: DemoConfig | undefined
  /**
   * Where IPFS documents get their CIDs recorded on chain: filled in with the EVM backend's
   * ledger once every backend has started; stays empty when the EVM backend is not running.
   */
  documents: { ledger: DocumentLedger | undefined }
  signal: AbortSignal
}

export type BackendFactory = (ctx: BackendContext) => Promise<DemoBackend>

interface BackendModule {
  name: BackendName
  /** Package exports this backend needs; a missing one means the package has not been built yet. */
  needs: readonly [specifier: string, exportName: string][]
  load(): Promise<BackendFactory>
}

const modules: readonly BackendModule[] = [
  {
    name: 'evm',
    needs: [
      ['@steadfast/ethers', 'FailoverProvider'],
      ['@steadfast/testkit', 'startEvmReplicaSet'],
    ],
    load: () => importFactory('./evm-backend.js', 'startEvmBackend'),
  },
  {
    name: 'fabric',
    needs: [
      ['@steadfast/fabric', 'connectFailover'],
      ['@steadfast/testkit', 'startFabricNetwork'],
    ],
    load: () => importFactory('./fabric-backend.js', 'startFabricBackend'),
  },
  {
    name: 'ipfs',
    needs: [
      ['@steadfast/kubo', 'createFailoverKubo'],
      ['@steadfast/testkit', 'startIpfsNodeSet'],
    ],
    load: () => importFactory('./ipfs-backend.js', 'startIpfsBackend'),
  },
]

export type Loaded =
  | { name: BackendName; factory: BackendFactory }
  | { name: BackendName; missing: string }

/**
 * Finds which backends can run: each needs its Steadfast adapter and (without a config) its
 * testkit replica set to be built. A missing one is reported by name, never replaced by a fake.
 */
export async function loadBackends(
  wanted: readonly BackendName[],
  usesTestkit: boolean,
): Promise<Loaded[]> {
  return Promise.all(
    modules
      .filter((m) => wanted.includes(m.name))
      .map(async (m): Promise<Loaded> => {
        for (const [specifier, exportName] of m.needs) {
          if (!usesTestkit && specifier === '@steadfast/testkit') continue
          const why = await missingExport(specifier, exportName)
          if (why) return { name: m.name, missing: why }
        }
        try {
          return { name: m.name, factory: await m.load() }
        } catch (e) {
          return {
            name: m.name,
            missing: `its demo module failed to load: ${(e as Error).message}`,
          }
        }
      }),
  )
}

async function missingExport(specifier: string, exportName: string): Promise<string | undefined> {
  let mod: Record<string, unknown>
  try {
    mod = (await import(specifier)) as Record<string, unknown>
  } catch (e) {
    return `${specifier} cannot be imported (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run pnpm build`
  }
  return typeof mod[exportName] === 'function'
    ? undefined
    : `${specifier} does not export ${exportName} yet`
}

// The backend modules are written as their adapter packages land; until then the specifier is a
// variable so the demo still type-checks and reports the backend as missing.
async function importFactory(file: string, name: string): Promise<BackendFactory> {
  const mod = (await import(file)) as Record<string, unknown>
  const factory = mod[name]
  if (typeof factory !== 'function') throw new Error(`${file} does not export ${name}`)
  return factory as BackendFactory
}
