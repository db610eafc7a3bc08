import {
  ConfigError,
  createEndpointSet,
  type Endpoint,
  type EndpointSet,
  type ShouldFailover,
} from '@steadfast/core'
import { create as createKubo, type KuboRPCClient } from 'kubo-rpc-client'
import { buildCalls } from './build-calls.js'
import type { CallContext } from './call-wrappers.js'
import { checkKuboOptions } from './check-kubo-options.js'
import { endpointTarget } from './endpoint-target.js'
import { InputNotReplayableError } from './errors/kubo-errors.js'
import type { FailoverKubo, FailoverKuboOptions } from './failover-kubo-options.js'
import { kuboProbe } from './kubo-probe.js'
import { kuboShouldFailover } from './kubo-should-failover.js'
import { ResilientSubscriptions } from './resilient-subscriptions.js'

/**
 * `kubo-rpc-client`'s `KuboRPCClient` over a health-checked set of IPFS nodes: each endpoint is a
 * kubo-rpc-client of its own, and each call follows its rule in `KUBO_CALL_RULES` (reads fail
 * over, hedge and resume mid-stream; content-addressed writes retry elsewhere; node-local state
 * stays on one node). Every call gets a real per-attempt timeout and honours `signal`.
 */
export function createFailoverKubo(options: FailoverKuboOptions): FailoverKubo {
  const settings = checkKuboOptions(options)
  const userShould: ShouldFailover = options.shouldFailover ?? kuboShouldFailover
  const shouldFailover: ShouldFailover = (error, ctx) =>
    error instanceof InputNotReplayableError ? 'fatal' : userShould(error, ctx)
  const ownsSet = settings.set === undefined
  const set: EndpointSet =
    settings.set ??
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
    settings.resubscribeRetryMs,
  )

  const ctx: CallContext = {
    set,
    clientFor,
    stickyId: () => {
      sticky ??= set.pick()?.id ?? first.id
      return sticky
    },
    shouldFailover,
    idleTimeoutMs: settings.idleTimeoutMs,
    minBytesPerSecond: settings.minBytesPerSecond,
    streamDeadlineMs: settings.streamDeadlineMs,
    maxResumes: settings.maxResumes,
    maxReplayBytes: settings.maxReplayBytes,
    verifyCatBytes: settings.verifyCatBytes,
  }

  const root = buildCalls(ctx, subs, () => clientFor(first))
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
    streamMinBytesPerSecond: _mb,
    streamDeadlineMs: _sd,
    maxResumes: _m,
    maxReplayBytes: _r,
    stickyEndpoint: _st,
    onSubscriptionGap: _g,
    resubscribeRetryMs: _rr,
    kubo: _k,
    set: _set,
    verifyCat: _v,
    ...rest
  } = o
  return rest
}
