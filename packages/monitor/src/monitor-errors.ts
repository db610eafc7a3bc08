import { SteadfastError } from '@steadfast/core'

/** `startMonitor` was asked to bind a non-loopback address without a token. Code `INSECURE_BIND`. */
export class InsecureBindError extends SteadfastError {
  /** The address that was refused. */
  readonly host: string
  constructor(host: string) {
    super(
      'INSECURE_BIND',
      `Refusing to listen on non-loopback address ${host} without a token: pass { token } or bind 127.0.0.1`,
    )
    this.host = host
  }
}

/** The monitor's server could not listen (port in use, permission). Code `LISTEN_FAILED`. */
export class ListenError extends SteadfastError {
  readonly host: string
  readonly port: number
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as { code?: unknown }).code
    super(
      'LISTEN_FAILED',
      `Cannot listen on ${host}:${port}${typeof code === 'string' ? ` (${code})` : ''}`,
      {
        cause,
      },
    )
    this.host = host
    this.port = port
  }
}

/**
 * A metric name the monitor registers already exists in the given registry (another monitor,
 * or the app, registered it). Code `METRICS_CONFLICT`. Use another `metricPrefix` or registry.
 */
export class MetricsConflictError extends SteadfastError {
  constructor(cause: unknown) {
    super('METRICS_CONFLICT', 'A monitor metric is already registered in this registry', {
      cause,
      details: 'close the other monitor or pass another metricPrefix or registry',
    })
  }
}
