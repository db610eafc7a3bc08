import { createServer, type Server, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { TestkitError } from '../process/testkit-error.js'
import { type FaultMode, validateFaultMode } from './fault-mode.js'
import { type Connection, relayConnection } from './relay-connection.js'

/** Counters since the proxy started. */
export interface FaultProxyStats {
  /** Client connections accepted. */
  connections: number
  /** Client connections open now. */
  active: number
  /** Bytes received from clients. */
  bytesIn: number
  /** Bytes written to clients (forwarded responses and `http` mode answers). */
  bytesOut: number
}

/** A TCP proxy in front of one server whose behaviour is switched at run time. */
export interface FaultProxy extends AsyncDisposable {
  readonly host: string
  /** The listening port; kept across `down` so clients find the server again. */
  readonly port: number
  /** `scheme://host:port` + `path`; `scheme` defaults to `http`, `path` to ''. */
  url(scheme?: string, path?: string): string
  readonly mode: FaultMode
  /**
   * Switches the mode for new connections. With `resetOpen` (default true) open connections are
   * destroyed too, since keep-alive clients would otherwise never see the change. `down` always
   * destroys them, like a killed node.
   */
  setMode(mode: FaultMode, opts?: { resetOpen?: boolean }): Promise<void>
  stats(): FaultProxyStats
  /** Destroys every connection and frees the port. Idempotent. */
  close(): Promise<void>
}

export interface FaultProxyOptions {
  /** The server to forward to; `host` defaults to `127.0.0.1`. */
  target: { host?: string; port: number }
  /** Listening address. @default '127.0.0.1' */
  host?: string
  /** Listening port. @default 0 (a free port) */
  port?: number
  /** Initial mode. @default { kind: 'pass' } */
  mode?: FaultMode
  /** Aborts the start (the proxy is closed and the promise rejects). */
  signal?: AbortSignal
  /**
   * Awaited before each mode change is applied (errors ignored). A kit uses it to settle its own
   * state first, e.g. the EVM relay propagates what the replica mined before clients move away.
   */
  onBeforeModeChange?: (next: FaultMode) => Promise<void>
}

/** How long a reopen waits for a port the OS has not released yet. */
const REOPEN_RETRY_MS = 2_000

/** Starts a fault proxy listening on loopback in front of `opts.target`. */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  opts.signal?.throwIfAborted()
  const host = opts.host ?? '127.0.0.1'
  const target = { host: opts.target.host ?? '127.0.0.1', port: opts.target.port }
  let mode: FaultMode = opts.mode ?? { kind: 'pass' }
  validateFaultMode(mode)
  const counters: FaultProxyStats = { connections: 0, active: 0, bytesIn: 0, bytesOut: 0 }
  const count = {
    in: (n: number) => {
      counters.bytesIn += n
    },
    out: (n: number) => {
      counters.bytesOut += n
    },
  }
  const open = new Set<Connection>()
  let server: Server | undefined
  let port = opts.port ?? 0
  let closed = false
  let queue: Promise<unknown> = Promise.resolve()

  const onConnection = (client: Socket) => {
    const conn: Connection = { client, upstream: undefined }
    counters.connections++
    counters.active++
    open.add(conn)
    client.on('close', () => {
      counters.active--
      open.delete(conn)
    })
    relayConnection(conn, mode, target, count)
  }
  const destroyOpen = () => {
    for (const { client, upstream } of open) {
      upstream?.destroy()
      client.destroy()
    }
  }
  const listen = async () => {
    const deadline = Date.now() + REOPEN_RETRY_MS
    for (;;) {
      const s = createServer({ allowHalfOpen: true }, onConnection)
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject)
          s.listen(port, host, () => resolve())
        })
        const address = s.address()
        if (address !== null && typeof address === 'object') port = address.port
        server = s
        return
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code !== 'EADDRINUSE' || port === 0 || Date.now() > deadline)
          throw new TestkitError(
            code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'LISTEN_FAILED',
            `fault proxy cannot listen on ${host}:${port}: ${(err as Error).message}`,
            { cause: err },
          )
        await sleep(100, undefined, { ref: false })
      }
    }
  }
  const unlisten = async () => {
    const s = server
    server = undefined
    if (s === undefined) return
    const done = new Promise<void>((resolve) => s.close(() => resolve()))
    destroyOpen()
    await done
  }
  // Mode changes run one after another, so a `down` and a `pass` can never interleave.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn)
    queue = next.catch(() => undefined)
    return next
  }

  if (mode.kind !== 'down') await listen()
  else throw new TestkitError('INVALID_FAULT_MODE', "a proxy cannot start in 'down' mode")
  const onAbort = () => void proxy.close()
  opts.signal?.addEventListener('abort', onAbort, { once: true })

  const proxy: FaultProxy = {
    host,
    get port() {
      return port
    },
    url(scheme = 'http', path = '') {
      const h = host.includes(':') ? `[${host}]` : host
      return `${scheme}://${h}:${port}${path}`
    },
    get mode() {
      return mode
    },
    async setMode(next, setOpts) {
      validateFaultMode(next)
      return serial(async () => {
        if (closed) throw new TestkitError('CLOSED', 'fault proxy is closed')
        await opts.onBeforeModeChange?.(next).catch(() => undefined)
        const previous = mode
        mode = next
        if (next.kind === 'down') return unlisten()
        if (setOpts?.resetOpen !== false) destroyOpen()
        if (server === undefined)
          await listen().catch((err: unknown) => {
            mode = previous // still down: say so
            throw err
          })
      })
    },
    stats: () => ({ ...counters }),
    close() {
      if (closed) return queue.then(() => undefined)
      closed = true
      opts.signal?.removeEventListener('abort', onAbort)
      return serial(unlisten)
    },
    [Symbol.asyncDispose]() {
      return proxy.close()
    },
  }
  return proxy
}
