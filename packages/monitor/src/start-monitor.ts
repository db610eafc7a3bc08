import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError, checkSignal } from '@steadfast/core'
import { isLoopback } from './is-loopback.js'
import { InsecureBindError, ListenError } from './monitor-errors.js'
import { createMonitorHandler } from './monitor-handler.js'
import { MONITOR_DEFAULTS, type StartMonitorOptions } from './monitor-options.js'

/** A running monitor. */
export interface RunningMonitor {
  /** Base URL, e.g. `http://127.0.0.1:9465`. */
  readonly url: string
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number
  /** Stops listening, closes open connections and unregisters the metrics. */
  close(): Promise<void>
}

/**
 * Starts the monitor's own HTTP server. Binds 127.0.0.1:9465 by default; refuses a non-loopback
 * `host` without a `token` (`InsecureBindError`, code `INSECURE_BIND`); throws `ConfigError`
 * for bad options and `ListenError` (`LISTEN_FAILED`) when the port cannot be bound.
 */
export async function startMonitor(options: StartMonitorOptions): Promise<RunningMonitor> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', options, 'must be an object')
  }
  const host = options.host ?? MONITOR_DEFAULTS.host
  const port = options.port ?? MONITOR_DEFAULTS.port
  if (typeof host !== 'string' || host === '')
    throw new ConfigError('host', host, 'must be a host name or address')
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('port', port, 'must be a whole number in 0..65535')
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? MONITOR_DEFAULTS.requestTimeoutMs
  if (!Number.isSafeInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    throw new ConfigError(
      'requestTimeoutMs',
      requestTimeoutMs,
      'must be a positive whole number of ms',
    )
  }
  if (!isLoopback(host) && options.token === undefined) throw new InsecureBindError(host)
  if (options.signal !== undefined) checkSignal('signal', options.signal)
  // Not throwIfAborted(): a signal from another realm or a polyfill may lack it.
  if (options.signal?.aborted) throw options.signal.reason

  // Bound to loopback, only loopback names are expected in Host: anything else is a rebinding page.
  const allowedHosts = options.allowedHosts ?? (isLoopback(host) ? ['loopback'] : undefined)
  const handler = createMonitorHandler(
    allowedHosts === undefined ? options : { ...options, allowedHosts },
  )
  const server = createServer(handler)
  server.requestTimeout = requestTimeoutMs
  server.headersTimeout = Math.min(requestTimeoutMs, 60_000)
  server.keepAliveTimeout = 5_000
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    handler.close()
    throw new ListenError(host, port, error)
  }
  const bound = (server.address() as AddressInfo).port
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  const onAbort = (): void => void close()
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      options.signal?.removeEventListener('abort', onAbort)
      handler.close()
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  return { url: `http://${shown}:${bound}`, port: bound, close }
}
