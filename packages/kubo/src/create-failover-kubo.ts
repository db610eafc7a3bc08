import {
  ConfigError,
  createEndpointSet,
  type Endpoint,
  type EndpointSet,
  type ExecuteOptions,
  type ShouldFailover,
  SteadfastError,
} from '@steadfast/core'
import { create as createKubo, type KuboRPCClient } from 'kubo-rpc-client'
import { KUBO_CALL_RULES, type KuboCallRule } from './call-rules.js'
import { endpointTarget } from './endpoint-target.js'
import { InputNotReplayableError, StickyEndpointUnavailableError } from './errors/kubo-errors.js'
import type { FailoverKubo, FailoverKuboOptions } from './failover-kubo-options.js'
import { kuboProbe } from './kubo-probe.js'
import { kuboShouldFailover } from './kubo-should-failover.js'
import { replayableInput } from './replayable-input.js'
import { ResilientSubscriptions } from './resilient-subscriptions.js'
import { resumableStream } from './resumable-stream.js'

type AnyFn = (...args: unknown[]) => unknown
type CallOptions = { signal?: AbortSignal; timeout?: number | string; [k: string]: unknown }

/** Codes meaning "the sticky node could not serve", as opposed to its application answer. */
const UNAVAILABLE = new Set([
  'ENDPOINTS_EXHAUSTED',
  'NO_ENDPOINT_AVAILABLE',
  'ATTEMPT_TIMEOUT',
  'DEADLINE_EXCEEDED',
])

/** kubo-rpc-client's `timeout` option ('10s', 5000): parsed here because the library ignores it. */
function parseTimeout(value: unknown): number | undefined {
  if (typeof value === 'number') return value > 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  if (!m) return undefined
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1
  return Number(m[1]) * unit
}

function lookup(root: unknown, path: string): AnyFn {
  let target: unknown = root
  let owner: unknown = root
  for (const part of path.split('.')) {
    owner = target
    target = (target as Record<string, unknown>)[part]
  }
  if (typeof target !== 'function') throw new TypeError(`kubo-rpc-client has no ${path}()`)
  return (target as AnyFn).bind(owner)
}

/** Writes `fn` at `path` in `root`, keeping properties already set (`refs` and `refs.local`). */
function assign(root: Record<string, unknown>, path: string, fn: AnyFn): void {
  const parts = path.split('.')
  let obj = root
  for (const part of parts.slice(0, -1)) {
    obj[part] ??= {}
    obj = obj[part] as Record<string, unknown>
  }
  const leaf = parts.at(-1) as string
  obj[leaf] = Object.assign(fn, obj[leaf] ?? {})
}

/**
 * `kubo-rpc-client`'s `KuboRPCClient` over a health-checked set of IPFS nodes: each endpoint is a
 * kubo-rpc-client of its own, and each call follows its rule in `KUBO_CALL_RULES` (reads fail
 * over, hedge and resume mid-stream; content-addressed writes retry elsewhere; node-local state
 * stays on one node). Every call gets a real per-attempt timeout and honours `signal`.
 */
export function createFailoverKubo(options: FailoverKuboOptions): FailoverKubo {
  const userShould: ShouldFailover = options.shouldFailover ?? kuboShouldFailover
  const shouldFailover: ShouldFailover = (error, ctx) =>
    error instanceof InputNotReplayableError ? 'fatal' : userShould(error, ctx)
  const ownsSet = options.set === undefined
  const set: EndpointSet =
    options.set ??
    createEndpointSet({
      ...withoutKuboOptions(options),
      shouldFailover,
      ...(options.probe === false
        ? {}
        : {
            probe:
              typeof options.probe === 'function' ? options.probe : kuboProbe(options.probe ?? {}),
          }),
    })
  const idleMs = options.streamIdleTimeoutMs ?? 15_000
  const maxResumes = options.maxResumes ?? 5
  const maxReplayBytes = options.maxReplayBytes ?? 64 * 1024 * 1024
  const clients = new Map<string, KuboRPCClient>()
  const clientFor = (endpoint: Endpoint): KuboRPCClient => {
    let c = clients.get(endpoint.id)
    if (c === undefined) {
      const target = endpointTarget(endpoint)
      const headers = { ...(options.kubo?.headers as Record<string, string>), ...target.headers }
      c = createKubo({ ...options.kubo, url: target.url, headers })
      clients.set(endpoint.id, c)
    }
    return c
  }
  const first = set.endpoints[0]
  if (first === undefined) throw new ConfigError('endpoints', [], 'must list at least one node')
  let sticky = resolveSticky(set, options.stickyEndpoint)
  const subs = new ResilientSubscriptions(
    set,
    clientFor,
    (gap) => options.onSubscriptionGap?.(gap),
    options.resubscribeRetryMs ?? 1_000,
  )

  /** Copies `args`, putting `signal` into the options argument at `rule.args`. */
  const withSignal = (args: unknown[], rule: KuboCallRule, signal: AbortSignal): unknown[] => {
    const out = args.slice(0, rule.args)
    while (out.length < rule.args) out.push(undefined)
    out.push({ ...(args[rule.args] as object | undefined), signal })
    return out
  }

  const executeOptions = (rule: KuboCallRule, opts: CallOptions): ExecuteOptions => {
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
      case 'sticky': {
        sticky ??= set.pick()?.id ?? first.id
        // Two attempts on the same node: the second only when the first provably never arrived.
        return { ...base, only: sticky, maxAttempts: 2, idempotent: false }
      }
      default:
        return { ...base, idempotent: false }
    }
  }

  const wrapStickyError = (path: string, err: unknown): unknown => {
    if (!(err instanceof SteadfastError) || !UNAVAILABLE.has(err.code) || sticky === undefined)
      return err
    const ep = set.endpoints.find((e) => e.id === sticky)
    return new StickyEndpointUnavailableError(sticky, ep?.redactedUrl ?? sticky, path, err)
  }

  const promiseCall = (path: string, rule: KuboCallRule) =>
    async function call(...args: unknown[]): Promise<unknown> {
      const opts = (args[rule.args] ?? {}) as CallOptions
      const exec = executeOptions(rule, opts)
      const input =
        rule.input !== undefined ? replayableInput(args[rule.input], maxReplayBytes) : undefined
      if (input && rule.input !== undefined) args[rule.input] = input.value
      let attempts = 0
      let lastError: unknown
      try {
        return await set.execute(async (endpoint, ctx) => {
          if (attempts++ > 0 && input?.overflowed)
            throw new InputNotReplayableError(path, maxReplayBytes, lastError)
          try {
            return await lookup(clientFor(endpoint), path)(...withSignal(args, rule, ctx.signal))
          } catch (err) {
            lastError = err
            throw err
          }
        }, exec)
      } catch (err) {
        throw rule.kind === 'sticky' ? wrapStickyError(path, err) : err
      }
    }

  const streamCall = (path: string, rule: KuboCallRule) =>
    function call(...args: unknown[]): AsyncIterable<unknown> {
      const opts = (args[rule.args] ?? {}) as CallOptions
      const exec = executeOptions(rule, opts)
      const input =
        rule.input !== undefined ? replayableInput(args[rule.input], maxReplayBytes) : undefined
      if (input && rule.input !== undefined) args[rule.input] = input.value
      const byteOffset = typeof opts.offset === 'number' ? opts.offset : 0
      const length = typeof opts.length === 'number' ? opts.length : undefined
      const stream = resumableStream(set, {
        call: path,
        mode: rule.stream ?? 'none',
        idleTimeoutMs: idleMs,
        maxResumes,
        classify: (error, endpoint) => shouldFailover(error, { endpoint, attempt: 0 }),
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
          return lookup(clientFor(endpoint), path)(...callArgs) as AsyncIterable<unknown>
        },
      })
      if (rule.kind !== 'sticky') return stream
      return (async function* () {
        try {
          yield* stream
        } catch (err) {
          throw wrapStickyError(path, err)
        }
      })()
    }

  const root: Record<string, unknown> = {}
  const paths = Object.keys(KUBO_CALL_RULES).sort(
    (a, b) => a.split('.').length - b.split('.').length,
  )
  for (const path of paths) {
    const rule = KUBO_CALL_RULES[path] as KuboCallRule
    let fn: AnyFn
    if (rule.kind === 'local') fn = (...args) => lookup(clientFor(first), path)(...args)
    else if (path === 'pubsub.subscribe')
      fn = (...args) => subs.subscribe(...(args as Parameters<ResilientSubscriptions['subscribe']>))
    else if (path === 'pubsub.unsubscribe')
      fn = (...args) =>
        subs.unsubscribe(...(args as Parameters<ResilientSubscriptions['unsubscribe']>))
    else fn = rule.stream ? streamCall(path, rule) : promiseCall(path, rule)
    assign(root, path, fn)
  }
  const base = clientFor(first)
  root.bases = base.bases
  root.codecs = base.codecs
  root.hashers = base.hashers
  root.failover = {
    set,
    get stickyEndpoint() {
      return sticky
    },
    setStickyEndpoint(id: string) {
      sticky = resolveSticky(set, id)
    },
    subscriptions() {
      return subs.list()
    },
    clientFor(id: string) {
      const ep = set.endpoints.find((e) => e.id === id)
      if (!ep) throw new ConfigError('id', id, 'is not an endpoint of this set')
      return clientFor(ep)
    },
    async close() {
      subs.close()
      if (ownsSet) await set.close()
    },
  }
  return root as unknown as FailoverKubo
}

function resolveSticky(set: EndpointSet, idOrUrl: string | undefined): string | undefined {
  if (idOrUrl === undefined) return undefined
  const ep = set.endpoints.find((e) => e.id === idOrUrl || e.url === idOrUrl)
  if (!ep) throw new ConfigError('stickyEndpoint', idOrUrl, 'is not an endpoint of this set')
  return ep.id
}

/** The options that belong to the core set (ours removed, so its strict config check passes). */
function withoutKuboOptions(o: FailoverKuboOptions) {
  const {
    probe: _p,
    shouldFailover: _s,
    streamIdleTimeoutMs: _i,
    maxResumes: _m,
    maxReplayBytes: _r,
    stickyEndpoint: _st,
    onSubscriptionGap: _g,
    resubscribeRetryMs: _rr,
    kubo: _k,
    set: _set,
    ...rest
  } = o
  return rest
}
