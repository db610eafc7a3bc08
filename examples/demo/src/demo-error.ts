/**
 * Errors the demo raises itself (bad arguments, bad config, a backend that cannot start).
 * Like every Steadfast error they carry a stable `code`, so scripts and tests match on it.
 */
export class DemoError extends Error {
  override name = 'DemoError'
  constructor(
    readonly code: 'INVALID_ARGUMENT' | 'INVALID_CONFIG' | 'BACKEND_UNAVAILABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A config file that does not describe valid endpoint sets; `field` is the path, e.g. `evm.endpoints[1].url`. */
export class DemoConfigError extends DemoError {
  override name = 'DemoConfigError'
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly file?: string,
  ) {
    super('INVALID_CONFIG', `${file ? `${file}: ` : ''}${field}: ${problem}`)
  }
}
