import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { create as createKubo, type KuboRPCClient } from 'kubo-rpc-client'
import { type FaultProxy, startFaultProxy } from '../fault-proxy/index.js'
import { IpfsNodeProcess } from './ipfs-node-process.js'
import { replicateContent } from './replicate-content.js'

/** One js-ipfs node serving the Kubo RPC API behind its own fault proxy. */
export interface IpfsNode {
  /** Position in the set, from 0. */
  readonly index: number
  /** Kubo RPC base URL through the node's fault proxy, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string
  /** Kubo RPC base URL of the node itself (no proxy). */
  readonly directUrl: string
  /** The fault proxy in front of the node. */
  readonly proxy: FaultProxy
  /** The node's process id, or undefined while it is killed. */
  readonly pid: number | undefined
  /** SIGKILL; the proxy goes `down` too, so `url` refuses connections like `directUrl`. */
  kill(): Promise<void>
  /** Starts the node again on the same repo and port (content survives); the proxy passes again. */
  restart(): Promise<void>
  /** SIGSTOP: connections are accepted by the kernel, nothing ever answers. */
  pause(): void
  /** SIGCONT after {@link pause}. */
  resume(): void
}

/** A set of offline js-ipfs nodes with temp repos; `close()` kills them and removes the repos. */
export interface IpfsNodeSet extends AsyncDisposable {
  readonly nodes: readonly IpfsNode[]
  /** Temp directory holding every node's repo; removed by `close()`. */
  readonly dir: string
  /** `nodes[i].url` (through the fault proxies). */
  readonly urls: readonly string[]
  /**
   * Adds `content` to one node and replicates its blocks to `replicationFactor - 1` others
   * (emulating IPFS Cluster pinning, since offline nodes have no bitswap), pinned everywhere.
   * Always goes to the nodes directly, so proxy faults do not interfere.
   */
  addReplicated(
    content: Uint8Array | string,
    opts?: {
      /** Number of nodes holding the content. @default all nodes */
      replicationFactor?: number
      /** Index of the node the content is added to. @default 0 */
      source?: number
      signal?: AbortSignal
    },
  ): Promise<{ cid: string }>
  close(): Promise<void>
}

export interface IpfsNodeSetOptions {
  /** Number of nodes. @default 3 */
  nodes?: number
  /** Time allowed for each node to start, in ms. @default 60_000 */
  startTimeoutMs?: number
  /** Aborts the start (every node already started is stopped). */
  signal?: AbortSignal
}

class ManagedIpfsNode implements IpfsNode {
  readonly index: number
  readonly proxy: FaultProxy
  readonly #process: IpfsNodeProcess

  constructor(index: number, process: IpfsNodeProcess, proxy: FaultProxy) {
    this.index = index
    this.#process = process
    this.proxy = proxy
  }

  get url(): string {
    return this.proxy.url()
  }

  get directUrl(): string {
    return `http://127.0.0.1:${this.#process.port}`
  }

  get pid(): number | undefined {
    return this.#process.pid
  }

  async kill(): Promise<void> {
    await this.#process.kill()
    await this.proxy.setMode({ kind: 'down' })
  }

  async restart(): Promise<void> {
    await this.#process.kill()
    await this.#process.start()
    await this.proxy.setMode({ kind: 'pass' })
  }

  pause(): void {
    this.#process.pause()
  }

  resume(): void {
    this.#process.resume()
  }

  /** Stops the node (SIGKILL: the repo is thrown away anyway) and its proxy. */
  async stop(): Promise<void> {
    await Promise.allSettled([this.#process.kill(), this.proxy.close()])
  }
}

/**
 * Starts `nodes` offline js-ipfs nodes in parallel, each in its own child process with a temp
 * repo, each behind a fault proxy. Ready when every node's API answers.
 *
 * @example
 * await using set = await startIpfsNodeSet({ nodes: 3 })
 * const { cid } = await set.addReplicated('hello')
 * const kubo = create({ url: set.urls[1] })
 */
export async function startIpfsNodeSet(opts: IpfsNodeSetOptions = {}): Promise<IpfsNodeSet> {
  const count = opts.nodes ?? 3
  const root = await mkdtemp(join(tmpdir(), 'steadfast-ipfs-'))
  const processes: IpfsNodeProcess[] = []
  const nodes: ManagedIpfsNode[] = []
  const cleanup = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await Promise.allSettled(processes.map((p) => p.kill()))
    await rm(root, { recursive: true, force: true })
  }
  try {
    const started = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const proc = new IpfsNodeProcess({
          repo: join(root, `node-${index}`),
          ...(opts.startTimeoutMs !== undefined ? { startTimeoutMs: opts.startTimeoutMs } : {}),
        })
        processes.push(proc)
        await proc.start(opts.signal)
        const proxy = await startFaultProxy({ target: { port: proc.port } })
        return new ManagedIpfsNode(index, proc, proxy)
      }),
    )
    nodes.push(...started)
  } catch (err) {
    await cleanup()
    throw err
  }
  return new NodeSet(root, nodes, cleanup)
}

class NodeSet implements IpfsNodeSet {
  readonly dir: string
  readonly nodes: readonly ManagedIpfsNode[]
  readonly #cleanup: () => Promise<void>
  #closed: Promise<void> | undefined

  constructor(dir: string, nodes: ManagedIpfsNode[], cleanup: () => Promise<void>) {
    this.dir = dir
    this.nodes = nodes
    this.#cleanup = cleanup
  }

  get urls(): readonly string[] {
    return this.nodes.map((n) => n.url)
  }

  #direct(node: IpfsNode): KuboRPCClient {
    return createKubo({ url: node.directUrl })
  }

  async addReplicated(
    content: Uint8Array | string,
    opts: { replicationFactor?: number; source?: number; signal?: AbortSignal } = {},
  ): Promise<{ cid: string }> {
    const factor = Math.min(opts.replicationFactor ?? this.nodes.length, this.nodes.length)
    const sourceIndex = opts.source ?? 0
    const source = this.nodes[sourceIndex]
    if (source === undefined || factor < 1) throw new RangeError('no such source node')
    const signalOpt = opts.signal ? { signal: opts.signal } : {}
    const sourceClient = this.#direct(source)
    const { cid } = await sourceClient.add(content, { pin: true, ...signalOpt })
    // The next nodes after the source (wrapping) hold the replicas, like a cluster allocation.
    const targets: KuboRPCClient[] = []
    for (let i = 1; i < factor; i++) {
      const node = this.nodes[(sourceIndex + i) % this.nodes.length]
      if (node) targets.push(this.#direct(node))
    }
    await replicateContent(sourceClient, targets, cid.toString(), opts.signal)
    return { cid: cid.toString() }
  }

  close(): Promise<void> {
    this.#closed ??= this.#cleanup()
    return this.#closed
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
