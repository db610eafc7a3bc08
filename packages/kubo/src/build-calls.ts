import type { KuboRPCClient } from 'kubo-rpc-client'
import { KUBO_CALL_RULES, type KuboCallRule } from './call-rules.js'
import { type AnyFn, type CallContext, lookup, promiseCall, streamCall } from './call-wrappers.js'
import type { ResilientSubscriptions } from './resilient-subscriptions.js'

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
 * The `KuboRPCClient` call tree (`cat`, `pin.ls`, `refs` + `refs.local`…), one wrapper per entry
 * of `KUBO_CALL_RULES`; `local` calls go to `local()`, the client of the first endpoint.
 */
export function buildCalls(
  ctx: CallContext,
  subs: ResilientSubscriptions,
  local: () => KuboRPCClient,
): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  // Parents before children, so `refs.local` lands on the `refs` function.
  const paths = Object.keys(KUBO_CALL_RULES).sort(
    (a, b) => a.split('.').length - b.split('.').length,
  )
  for (const path of paths) {
    const rule = KUBO_CALL_RULES[path] as KuboCallRule
    let fn: AnyFn
    if (rule.kind === 'local') fn = (...args) => lookup(local(), path)(...args)
    else if (path === 'pubsub.subscribe')
      fn = (...args) => subs.subscribe(...(args as Parameters<ResilientSubscriptions['subscribe']>))
    else if (path === 'pubsub.unsubscribe')
      fn = (...args) =>
        subs.unsubscribe(...(args as Parameters<ResilientSubscriptions['unsubscribe']>))
    else fn = rule.stream ? streamCall(ctx, path, rule) : promiseCall(ctx, path, rule)
    assign(root, path, fn)
  }
  return root
}
