/**
 * Error thrown by the testkit. It carries a stable `code` like the SDK's own errors, so a test
 * can assert on the failure kind instead of on message text.
 */
export class TestkitError extends Error {
  /** Stable machine-readable code, e.g. `PORT_IN_USE`, `EVM_FORK`, `PROCESS_EXITED`. */
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TestkitError'
    this.code = code
  }
}
