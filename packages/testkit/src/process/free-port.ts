import { connect, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { TestkitError } from './testkit-error.js'

/**
 * A TCP port that was free a moment ago on `host` (default `127.0.0.1`), chosen by the OS.
 * Another process may take it before you listen: prefer listening on port 0 when you can.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve())
  })
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address !== 'object')
    throw new TestkitError('LISTEN_FAILED', 'no port from the OS')
  return address.port
}

/** Whether something accepts TCP connections on `host:port` now (default host `127.0.0.1`). */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export interface WaitForPortOptions {
  /** Host to connect to. @default '127.0.0.1' */
  host?: string
  /** Give up after this many milliseconds. @default 30_000 */
  timeoutMs?: number
  /** Poll interval in milliseconds. @default 50 */
  intervalMs?: number
  signal?: AbortSignal
  /** Checked between polls: a reason to give up early (e.g. the server process exited). */
  failIf?: () => string | undefined
}

/** Resolves once `port` accepts connections; rejects with `PORT_TIMEOUT` or the abort reason. */
export async function waitForPort(port: number, opts: WaitForPortOptions = {}): Promise<void> {
  const host = opts.host ?? '127.0.0.1'
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  for (;;) {
    opts.signal?.throwIfAborted()
    if (await isListening(port, host)) return
    const failure = opts.failIf?.()
    if (failure !== undefined) throw new TestkitError('PROCESS_EXITED', failure)
    if (Date.now() > deadline)
      throw new TestkitError('PORT_TIMEOUT', `nothing listens on ${host}:${port} in time`)
    await sleep(opts.intervalMs ?? 50, undefined, {
      ref: false,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
  }
}
