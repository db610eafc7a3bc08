import pc from 'picocolors'
import type { DemoConfig } from '../config/demo-config.js'
import type { DemoBackend } from './demo-backend.js'
import type { BackendContext, Loaded } from './load-backends.js'

export interface StartedBackends {
  /** Started backends, in the order evm, fabric, ipfs. */
  backends: DemoBackend[]
  /** Backends that could not run, with the reason. */
  missing: { backend: string; reason: string }[]
}

/**
 * Starts every loadable backend in parallel (their replica sets start at the same time), reports
 * each as it comes up, and wires IPFS to the EVM registry once both are up. A backend that fails
 * to start is reported as missing; the others run.
 */
export async function startBackends(
  loaded: readonly Loaded[],
  config: DemoConfig | undefined,
  signal: AbortSignal,
  say: (line: string) => void,
): Promise<StartedBackends> {
  const started = Date.now()
  const missing = loaded.flatMap((l) =>
    'missing' in l ? [{ backend: l.name, reason: l.missing }] : [],
  )
  for (const m of missing) say(pc.yellow(`  ${m.backend}: not run — ${m.reason}`))
  const documents: BackendContext['documents'] = { ledger: undefined }
  const backends: DemoBackend[] = []
  await Promise.all(
    loaded.map(async (l) => {
      if (!('factory' in l)) return
      say(`  starting ${l.name}…`)
      try {
        const b = await l.factory({ config, documents, signal })
        backends.push(b)
        say(`  ${pc.green('✔')} ${b.title} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
      } catch (e) {
        missing.push({ backend: l.name, reason: `failed to start: ${(e as Error).message}` })
        say(pc.red(`  ✘ ${l.name} failed to start: ${(e as Error).message}`))
      }
    }),
  )
  const order = ['evm', 'fabric', 'ipfs']
  backends.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  documents.ledger = backends.find((b) => b.documentLedger)?.documentLedger
  return { backends, missing }
}
