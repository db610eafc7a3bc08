import type { FaultMode } from '../fault-proxy/fault-mode.js'
import type { FaultProxy } from '../fault-proxy/start-fault-proxy.js'
import type { ManagedProcess } from '../process/spawn-managed.js'
import type { ChainRelay, RelayMember } from './chain-relay.js'
import { type GanacheChainConfig, spawnGanache } from './ganache-node.js'
import type { JsonRpcClient } from './json-rpc-client.js'

/** One ganache node of a replica set, behind its own fault proxy. */
export interface EvmReplica {
  readonly index: number
  /** Through the replica's fault proxy: what clients use. */
  readonly url: string
  /** Straight to ganache, for the test's own checks. */
  readonly directUrl: string
  readonly proxy: FaultProxy
  /** The ganache process id; undefined while killed. */
  readonly pid: number | undefined
  /**
   * Closes its proxy's listener, lets the relay pick up what the replica already mined
   * (propagation is assumed done), then SIGKILLs it: `url` refuses (ECONNREFUSED) like a dead
   * node, and `directUrl` refuses too.
   */
  kill(): Promise<void>
  /**
   * Starts ganache again (killing it first if alive) on the same port with the same database,
   * waits until the relay caught it up (unless held), then restores the proxy mode it had.
   */
  restart(opts?: { signal?: AbortSignal }): Promise<void>
  /** SIGSTOP: connections are still accepted by the kernel, nothing is answered. */
  pause(): void
  /** SIGCONT; the relay then feeds it what it missed. */
  resume(): void
  /** Lag: stop relaying new blocks to this replica (it still serves what it has). */
  holdReplication(): void
  /** Replays the held blocks in order and resolves once the replica is at the shared head. */
  catchUp(opts?: { signal?: AbortSignal }): Promise<void>
  /** `eth_blockNumber` straight from ganache. */
  blockNumber(opts?: { signal?: AbortSignal }): Promise<number>
}

export interface ReplicaParts {
  index: number
  chain: GanacheChainConfig
  port: number
  dbPath: string
  proc: ManagedProcess
  proxy: FaultProxy
  rpc: JsonRpcClient
  /** Absent for a replica outside the shared chain (misconfigured). */
  relay?: { relay: ChainRelay; member: RelayMember }
}

/** Builds a replica's controls; `close()` is the set's, kept off the public interface. */
export function createEvmReplica(parts: ReplicaParts): EvmReplica & { close(): Promise<void> } {
  const { proxy, rpc, relay } = parts
  const directUrl = `http://127.0.0.1:${parts.port}`
  let proc: ManagedProcess | undefined = parts.proc
  let modeBeforeKill: FaultMode | undefined
  const setState = (state: RelayMember['state']) => {
    if (relay) relay.member.state = state
  }

  const replica = {
    index: parts.index,
    url: proxy.url(),
    directUrl,
    proxy,
    get pid() {
      return proc?.pid
    },
    async kill() {
      if (proc === undefined) return
      modeBeforeKill = proxy.mode
      // Clients are cut off first; then the relay takes what the replica mined, then it dies.
      await proxy.setMode({ kind: 'down' })
      if (relay && relay.member.state === 'live') await relay.relay.roundNow()
      setState('killed')
      if (relay) relay.member.checkpoint = undefined // ganache snapshots do not survive a restart
      await proc.close()
      proc = undefined
    },
    async restart(opts?: { signal?: AbortSignal }) {
      await replica.kill()
      proc = await spawnGanache(parts.chain, parts.port, parts.dbPath, opts?.signal)
      setState('live')
      // Caught up before clients reach it again, so a write cannot land on a stale head.
      if (relay && !relay.member.held)
        await relay.relay.sync(opts?.signal ? { signal: opts.signal } : {})
      await proxy.setMode(modeBeforeKill ?? { kind: 'pass' })
    },
    pause() {
      if (proc === undefined) return
      proc.pause()
      setState('paused')
    },
    resume() {
      if (proc === undefined) return
      proc.resume()
      setState('live')
    },
    holdReplication() {
      if (relay) relay.member.held = true
    },
    async catchUp(opts?: { signal?: AbortSignal }) {
      if (!relay) return
      relay.member.held = false
      await relay.relay.sync(opts?.signal ? { signal: opts.signal } : {})
    },
    async blockNumber(opts?: { signal?: AbortSignal }) {
      const hex = await rpc.call<string>(
        directUrl,
        'eth_blockNumber',
        [],
        opts?.signal ? { signal: opts.signal } : {},
      )
      return Number(hex)
    },
    async close() {
      await proc?.close()
      await proxy.close()
    },
  }
  return replica
}
