/** Arguments shared by every Steadfast error. */
export interface SteadfastErrorArgs {
  /** The underlying error (kept as `cause`, walked by `walk()`). */
  cause?: unknown
  /** Extra one-line detail appended to the message. Must already be redacted. */
  details?: string
  /** REDACTED url of the endpoint involved, if any. */
  endpoint?: string
}

/** Collapses whitespace so every message stays a clean one-liner (no stack soup). */
export function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * Base class of every error thrown by Steadfast. `code` is stable and machine readable;
 * `shortMessage` is the human summary; `message` adds the endpoint and details on one line.
 */
export class SteadfastError extends Error {
  readonly code: string
  readonly shortMessage: string
  declare readonly endpoint?: string
  declare readonly details?: string
  declare cause?: unknown

  constructor(code: string, shortMessage: string, args: SteadfastErrorArgs = {}) {
    const short = oneLine(shortMessage)
    const parts = [short]
    if (args.endpoint !== undefined) parts.push(`endpoint: ${args.endpoint}`)
    if (args.details !== undefined && args.details !== '') parts.push(oneLine(args.details))
    super(parts.join(' | '))
    this.name = new.target.name
    this.code = code
    this.shortMessage = short
    // Only present when given (exactOptionalPropertyTypes): no `endpoint: undefined` noise.
    if (args.endpoint !== undefined)
      Object.defineProperty(this, 'endpoint', { value: args.endpoint, enumerable: true })
    if (args.details !== undefined)
      Object.defineProperty(this, 'details', { value: oneLine(args.details), enumerable: true })
    if (args.cause !== undefined) this.cause = args.cause
  }

  /**
   * Walks the `cause` chain. Without `fn`, returns the deepest cause (or this error).
   * With `fn`, returns the first error (this one included) for which `fn` is true, else null.
   */
  walk(fn?: (e: unknown) => boolean): unknown {
    let current: unknown = this
    const seen = new Set<unknown>()
    while (current !== undefined && current !== null && !seen.has(current)) {
      if (fn?.(current)) return current
      seen.add(current)
      const next = (current as { cause?: unknown }).cause
      if (next === undefined || next === null) break
      current = next
    }
    return fn ? null : current
  }
}

/** Best-effort one-line message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return oneLine(error.message || error.name)
  if (typeof error === 'string') return oneLine(error)
  try {
    return oneLine(String(error))
  } catch {
    return 'unknown error'
  }
}
