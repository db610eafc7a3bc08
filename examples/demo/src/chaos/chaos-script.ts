import type { DemoBackend, FaultTarget } from '../backends/demo-backend.js'
import type { BackendName } from '../cli-args.js'

/**
 * A fault the script can inject on one replica, or a rebalance of every set. `drain` is planned
 * maintenance: cordon through the monitor, then kill; restart, then uncordon.
 */
export type ChaosAction = 'kill' | 'hang' | 'lag' | 'drain' | 'rebalance'

export interface ChaosStep {
  /** When, as a fraction of the run's duration. */
  at: number
  backend: BackendName | 'all'
  action: ChaosAction
  /** How long the fault lasts before the replica is healed, as a fraction of the duration. */
  holdFor: number
  /**
   * `in-use`: the replica the client uses now (where a fault hurts). `standby`: another one,
   * e.g. to lag a replica the client could fail over to. @default 'in-use'
   */
  target?: 'in-use' | 'standby'
}

/**
 * The default script: each backend has a replica broken three times (killed, hung, lagged, or for
 * IPFS drained for maintenance), in a different order, staggered so the log reads clearly; the
 * monitor's rebalance trigger fires between rounds. Every fault is healed by 80 % of the run so
 * the final checks see all replicas.
 */
export const defaultChaosScript: readonly ChaosStep[] = [
  { at: 0.15, backend: 'evm', action: 'kill', holdFor: 0.15 },
  { at: 0.17, backend: 'fabric', action: 'hang', holdFor: 0.12 },
  { at: 0.19, backend: 'ipfs', action: 'kill', holdFor: 0.14 },
  { at: 0.36, backend: 'all', action: 'rebalance', holdFor: 0 },
  // The testkit's EVM chain has one writer at a time (no consensus): a lagging writer would fork
  // it, so the lag goes to a standby. (EVM is not drained here: cordoning the replica that holds
  // a pending transaction can fail its receipt lookup, see docs/operations.md.)
  { at: 0.42, backend: 'evm', action: 'lag', holdFor: 0.14, target: 'standby' },
  { at: 0.44, backend: 'fabric', action: 'kill', holdFor: 0.14 },
  { at: 0.46, backend: 'ipfs', action: 'hang', holdFor: 0.12 },
  { at: 0.62, backend: 'all', action: 'rebalance', holdFor: 0 },
  { at: 0.65, backend: 'evm', action: 'hang', holdFor: 0.12 },
  { at: 0.67, backend: 'fabric', action: 'lag', holdFor: 0.11 },
  { at: 0.69, backend: 'ipfs', action: 'drain', holdFor: 0.1 },
  { at: 0.88, backend: 'all', action: 'rebalance', holdFor: 0 },
]

export interface ChaosRunOptions {
  backends: readonly DemoBackend[]
  durationMs: number
  /** The monitoring trigger; returns a line for the log. */
  rebalance: (reason: string) => Promise<string>
  /** Cordons / uncordons one endpoint through the monitor (for `drain`); returns a line for the log. */
  cordon?: (set: string, endpoint: string, on: boolean) => Promise<string>
  /** Where each action is reported. */
  log: (line: string) => void
  steps?: readonly ChaosStep[]
}

/** A running chaos script; `stop()` cancels what has not fired and heals every replica it broke. */
export interface ChaosRun {
  /** Faults injected so far, by action. */
  readonly injected: Record<ChaosAction, number>
  stop(): Promise<void>
}

export function startChaos(o: ChaosRunOptions): ChaosRun {
  const timers: NodeJS.Timeout[] = []
  const healing = new Map<string, () => Promise<void>>()
  const pending = new Set<Promise<void>>()
  const injected: Record<ChaosAction, number> = { kill: 0, hang: 0, lag: 0, drain: 0, rebalance: 0 }
  const track = (p: Promise<void>) => {
    pending.add(p)
    void p.finally(() => pending.delete(p))
  }
  const later = (ms: number, fn: () => Promise<void>) => {
    const t = setTimeout(() => track(fn()), ms)
    t.unref()
    timers.push(t)
  }

  for (const step of o.steps ?? defaultChaosScript) {
    later(step.at * o.durationMs, async () => {
      if (step.action === 'rebalance') {
        injected.rebalance++
        o.log(
          await o
            .rebalance(`chaos script, ${Math.round(step.at * 100)} % of the run`)
            .catch((e: unknown) => `rebalance trigger failed: ${(e as Error).message}`),
        )
        return
      }
      const backend = o.backends.find((b) => b.name === step.backend)
      if (!backend || backend.faults.length === 0) return
      const target = pickTarget(backend, step.target ?? 'in-use')
      if (!target || healing.has(backend.name)) return
      const set = backend.sets[0]
      const id = set?.endpoints[target.index]?.id
      const cordon =
        o.cordon && set && id ? (on: boolean) => o.cordon!(set.name, id, on).then(o.log) : undefined
      const fault = faultOf(step.action, target, cordon)
      if (!fault) return
      const where = `${backend.name} replica ${target.index + 1} (${endpointLabel(backend, target.index)})`
      try {
        await fault.inject()
        injected[step.action]++
        o.log(`chaos: ${fault.verb} ${where}`)
      } catch (e) {
        o.log(`chaos: could not ${step.action} ${where}: ${(e as Error).message}`)
        return
      }
      // One fault per backend at a time: the backend stays busy until the heal has finished
      // (a restart includes catching up), so the next step never hits a half-healed replica.
      let healed: Promise<void> | undefined
      const heal = () => {
        healed ??= fault
          .heal()
          .then(
            () => o.log(`chaos: ${fault.healVerb} ${where}`),
            (e: unknown) => o.log(`chaos: could not heal ${where}: ${(e as Error).message}`),
          )
          .finally(() => healing.delete(backend.name))
        return healed
      }
      healing.set(backend.name, heal)
      later(step.holdFor * o.durationMs, heal)
    })
  }

  return {
    injected,
    async stop() {
      for (const t of timers) clearTimeout(t)
      await Promise.allSettled([...pending])
      await Promise.allSettled([...healing.values()].map((h) => h()))
    },
  }
}

/** The replica behind the endpoint the client would use now (that is where a fault hurts), or another. */
function pickTarget(backend: DemoBackend, which: 'in-use' | 'standby'): FaultTarget | undefined {
  const set = backend.sets[0]
  const index = (set?.current() ?? set?.pick())?.index ?? 0
  if (which === 'standby') return backend.faults.find((f) => f.index !== index)
  return backend.faults.find((f) => f.index === index) ?? backend.faults[0]
}

function endpointLabel(backend: DemoBackend, index: number): string {
  return backend.sets[0]?.endpoints[index]?.redactedUrl ?? `#${index}`
}

interface Fault {
  verb: string
  healVerb: string
  inject(): Promise<void>
  heal(): Promise<void>
}

function faultOf(
  action: Exclude<ChaosAction, 'rebalance'>,
  t: FaultTarget,
  cordon: ((on: boolean) => Promise<void>) | undefined,
): Fault | undefined {
  switch (action) {
    case 'drain':
      if (!cordon) return undefined
      return {
        verb: 'drained (cordoned through the monitor, then killed)',
        healVerb: 'restarted and uncordoned',
        async inject() {
          await cordon(true)
          // The time an operator gives in-flight calls and streams to move before stopping a node.
          await new Promise((r) => setTimeout(r, 1500))
          await t.kill()
        },
        async heal() {
          await t.restart()
          await cordon(false)
        },
      }
    case 'kill':
      return {
        verb: 'killed',
        healVerb: 'restarted',
        inject: () => t.kill(),
        heal: () => t.restart(),
      }
    case 'hang':
      return {
        verb: 'hung (accepts calls, answers none)',
        healVerb: 'resumed',
        inject: () => t.pause(),
        heal: () => t.resume(),
      }
    case 'lag': {
      const { lag, unlag } = t
      if (!lag || !unlag) return undefined
      return {
        verb: 'lagging',
        healVerb: 'caught up',
        inject: () => lag.call(t),
        heal: () => unlag.call(t),
      }
    }
  }
}
