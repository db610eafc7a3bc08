import {
  type AttemptContext,
  type Endpoint,
  type EndpointSet,
  type ExecuteOptions,
  type ShouldFailover,
  SteadfastError,
} from '@steadfast/core'
import type { KuboRPCClient } from 'kubo-rpc-client'
import type { KuboCallRule } from './call-rules.js'
import { InputNotReplayableError, StickyEndpointUnavailableError } from './errors/kubo-errors.js'
import { withLastResort } from './last-resort.js'
import { replayableInput } from './replayable-input.js'
import { resumableStream } from './resumable-stream.js'
import { scrubError } from './scrub-error.js'
import { bareCid, verifyCat } from './verify-cat.js'

export type AnyFn = (...args: unknown[]) => unknown
type CallOptions = { signal?: AbortSignal; timeout?: number | string; [k: string]: unknown }

/** What every wrapped call needs from the failover client. */
export interface CallContext {
  readonly set: EndpointSet
  clientFor(endpoint: Endpoint): KuboRPCClient
  /** The sticky endpoint id, chosen on first use. */
  stickyId(): string
  readonly shouldFailover: ShouldFailover
  readonly idleTimeoutMs: number
  /** Slowest average byte rate a stream's node may keep (0: not checked), in bytes/s. */
  readonly minBytesPerSecond: number
  /** Overall deadline of a stream call unless its `timeout` says otherwise, in ms. */
  readonly streamDeadlineMs: number
  readonly maxResumes: number
  readonly maxReplayBytes: number
  /** Verify `cat` of a bare CID up to this many bytes (0: off). */
  readonly verifyCatBytes: number
}

/** Codes meaning "the sticky node could not serve", as opposed to its application answer. */
const UNAVAILABLE = new Set([
  'ENDPOINTS_EXHAUSTED',
  'NO_ENDPOINT_AVAILABLE',
  'ATTEMPT_TIMEOUT',
  'DEADLINE_EXCEEDED',
])

/** kubo-rpc-client's `timeout` option ('10s', 5000): parsed here because the library ignores it. */
export function parseTimeout(value: unknown): number | undefined {
  if (typeof value === 'number') return value > 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  if (!m) return undefined
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1
  return Number(m[1]) * unit
}

/** The function at a dotted `path` of a kubo-rpc-client, bound to its namespace. */
export function lookup(root: unknown, path: string): AnyFn {
  let target: unknown = root
  let owner: unknown = root
  for (const part of path.split('.')) {
    owner = target
    target = (target as Record<string, unknown>)[part]
  }
  if (typeof target !== 'function') throw new TypeError(`kubo-rpc-client has no ${path}()`)
  return (target as AnyFn).bind(owner)
}

/** Copies `args`, putting `signal` into the options argument at `rule.args`. */
function withSignal(args: unknown[], rule: KuboCallRule, signal: AbortSignal): unknown[] {
  const out = args.slice(0, rule.args)
  while (out.length < rule.args) out.push(undefined)
  out.push({ ...(args[rule.args] as object | undefined), signal })
  return out
}

function executeOptions(ctx: CallContext, rule: KuboCallRule, opts: CallOptions): ExecuteOptions {
  const timeout = parseTimeout(opts.timeout)
  const base: ExecuteOptions = {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(timeout !== undefined ? { attemptTimeoutMs: timeout } : {}),
  }
  switch (rule.kind) {
    case 'read':
      return { ...base, idempotent: true, hedge: rule.stream === undefined }
    case 'write':
      return { ...base, idempotent: true, hedge: false }
    case 'sticky':
      // Two attempts on the same node: the second only when the first provably never arrived.
      return { ...base, only: ctx.stickyId(), maxAttempts: 2, idempotent: false }
    default:
      return { ...base, idempotent: false }
  }
}

function stickyError(ctx: CallContext, path: string, err: unknown): unknown {
  if (!(err instanceof SteadfastError) || !UNAVAILABLE.has(err.code)) return err
  const id = ctx.stickyId()
  const ep = ctx.set.endpoints.find((e) => e.id === id)
  return new StickyEndpointUnavailableError(id, ep?.redactedUrl ?? id, path, err)
}

/** Makes the input argument re-readable for retries (in place in `args`). */
function replayInput(ctx: CallContext, rule: KuboCallRule, args: unknown[]) {
  if (rule.input === undefined) return undefined
  const input = replayableInput(args[rule.input], ctx.maxReplayBytes)
  args[rule.input] = input.value
  return input
}

/** A promise-returning call through the set, per its rule. */
export function promiseCall(ctx: CallContext, path: string, rule: KuboCallRule): AnyFn {
  return async function call(...args: unknown[]): Promise<unknown> {
    const exec = executeOptions(ctx, rule, (args[rule.args] ?? {}) as CallOptions)
    const input = replayInput(ctx, rule, args)
    let attempts = 0
    let lastError: unknown
    try {
      const op = async (endpoint: Endpoint, attempt: AttemptContext) => {
        if (attempts++ > 0 && input?.overflowed)
          throw new InputNotReplayableError(path, ctx.maxReplayBytes, lastError)
        try {
          const fn = lookup(ctx.clientFor(endpoint), path)
          return await fn(...withSignal(args, rule, attempt.signal))
        } catch (err) {
          // The rethrown error must not carry the raw endpoint URL (HTTPError.response.url).
          lastError = scrubError(err, endpoint)
          throw lastError
        }
      }
      return rule.kind === 'read'
        ? await withLastResort(ctx.set, (o) => ctx.set.execute(op, o), exec)
        : await ctx.set.execute(op, exec)
    } catch (err) {
      throw rule.kind === 'sticky' ? stickyError(ctx, path, err) : err
    }
  }
}

/** A stream-returning call through the set: resumes on another node per `rule.stream`. */
export function streamCall(ctx: CallContext, path: string, rule: KuboCallRule): AnyFn {
  return function call(...args: unknown[]): AsyncIterable<unknown> {
    const opts = (args[rule.args] ?? {}) as CallOptions
    const exec = executeOptions(ctx, rule, opts)
    replayInput(ctx, rule, args)
    const byteOffset = typeof opts.offset === 'number' ? opts.offset : 0
    const length = typeof opts.length === 'number' ? opts.length : undefined
    const stream = resumableStream(ctx.set, {
      call: path,
      mode: rule.stream ?? 'none',
      idleTimeoutMs: ctx.idleTimeoutMs,
      minBytesPerSecond: ctx.minBytesPerSecond,
      lastResort: rule.kind === 'read',
      // kubo-rpc-client's `timeout` bounds the whole request: for a stream, every byte of it.
      deadlineMs: parseTimeout(opts.timeout) ?? ctx.streamDeadlineMs,
      maxResumes: ctx.maxResumes,
      classify: (error, endpoint) => ctx.shouldFailover(error, { endpoint, attempt: 0 }),
      scrub: scrubError,
      execute: exec,
      key: (item) => String((item as { cid?: unknown }).cid ?? JSON.stringify(item)),
      open(endpoint, signal, delivered) {
        const callArgs = withSignal(args, rule, signal)
        if (rule.stream === 'offset') {
          if (length !== undefined && delivered >= length) return (async function* () {})()
          const o = callArgs[rule.args] as CallOptions
          o.offset = byteOffset + delivered
          if (length !== undefined) o.length = length - delivered
        }
        return lookup(ctx.clientFor(endpoint), path)(...callArgs) as AsyncIterable<unknown>
      },
    })
    if (
      path === 'cat' &&
      ctx.verifyCatBytes > 0 &&
      opts.offset === undefined &&
      length === undefined
    ) {
      const cid = bareCid(args[0])
      if (cid) return verifyCat(ctx, cid, stream as AsyncIterable<Uint8Array>, ctx.verifyCatBytes)
    }
    if (rule.kind !== 'sticky') return stream
    return (async function* () {
      try {
        yield* stream
      } catch (err) {
        throw stickyError(ctx, path, err)
      }
    })()
  }
}
