import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ManagedProcess, spawnManaged } from '../process/index.js'

/** The child script ships as plain .mjs beside the sources (tsc does not copy it to dist). */
export function ipfsNodeScript(): string {
  const candidates = [
    new URL('./ipfs-node.mjs', import.meta.url),
    new URL('../../src/ipfs/ipfs-node.mjs', import.meta.url),
  ]
  for (const url of candidates) {
    const path = fileURLToPath(url)
    if (existsSync(path)) return path
  }
  throw new Error('ipfs-node.mjs not found beside the IPFS node set sources')
}

const READY = /\{"ready":true,"port":(\d+)[^\n]*\n/

export interface IpfsNodeProcessOptions {
  /** Repo directory (kept across restarts). */
  repo: string
  /** Time allowed for the node to start listening, in ms. @default 60_000 */
  startTimeoutMs?: number
}

/**
 * One js-ipfs node as a managed child process (its own process group, killed with this process),
 * so SIGKILL and SIGSTOP are real. The API port is chosen by the OS on the first start and reused
 * on restarts (the fault proxy in front keeps pointing at it).
 */
export class IpfsNodeProcess {
  readonly repo: string
  #port = 0
  #proc: ManagedProcess | undefined
  readonly #startTimeoutMs: number

  constructor(opts: IpfsNodeProcessOptions) {
    this.repo = opts.repo
    this.#startTimeoutMs = opts.startTimeoutMs ?? 60_000
  }

  get port(): number {
    return this.#port
  }

  get pid(): number | undefined {
    return this.#proc !== undefined && this.#proc.exit === undefined ? this.#proc.pid : undefined
  }

  /** Starts the node and resolves once its API listens. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.pid !== undefined) throw new Error('IPFS node already running')
    // A SIGKILLed node leaves its repo lock behind (stale only after 20 s): it is ours, drop it.
    rmSync(join(this.repo, 'repo.lock'), { recursive: true, force: true })
    const proc = spawnManaged(process.execPath, [ipfsNodeScript(), this.repo, String(this.#port)])
    this.#proc = proc
    const timeout = AbortSignal.timeout(this.#startTimeoutMs)
    try {
      await proc.waitForOutput(READY, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
    } catch (err) {
      await proc.close()
      throw err
    }
    this.#port = Number(READY.exec(proc.output())?.[1])
  }

  /** SIGKILL to the whole process group; resolves once the process is gone. */
  async kill(): Promise<void> {
    await this.#proc?.close()
  }

  /** SIGSTOP: the kernel still accepts connections, the node never answers. */
  pause(): void {
    this.#proc?.pause()
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    this.#proc?.resume()
  }
}
