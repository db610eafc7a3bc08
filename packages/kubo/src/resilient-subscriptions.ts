import type { Endpoint, EndpointSet } from '@steadfast/core'
import type { KuboRPCClient } from 'kubo-rpc-client'
import { scrubError } from './scrub-error.js'

type Handler = Parameters<KuboRPCClient['pubsub']['subscribe']>[1]
type SubscribeOptions = NonNullable<Parameters<KuboRPCClient['pubsub']['subscribe']>[2]>

/** A subscription moved to another node; messages published in between were not received. */
export interface SubscriptionGap {
  topic: string
  /** Id of the node that failed. */
  from: string
  /** Id of the node now serving the subscription (undefined: none available yet, retrying). */
  to: string | undefined
  /** When the failure was noticed (epoch ms). */
  lostAt: number
  /** When the new subscription was live (epoch ms). */
  resumedAt: number | undefined
  /** The failure, as reported by the client. */
  error: unknown
}

interface Subscription {
  topic: string
  handler: Handler
  options: SubscribeOptions
  endpoint: Endpoint | undefined
  controller: AbortController
  closed: boolean
}

const MOVING_STATES = new Set(['unhealthy', 'ejected', 'quarantined', 'cordoned'])

/**
 * `pubsub.subscribe` over the set: each subscription lives on one node; when that node fails
 * (the stream errors, or the set marks it unhealthy) it is resubscribed on another node and
 * `onGap` reports the window in which messages may have been missed. kubo-rpc-client alone drops
 * a failed subscription silently.
 */
export class ResilientSubscriptions {
  readonly #set: EndpointSet
  readonly #client: (endpoint: Endpoint) => KuboRPCClient
  readonly #onGap: (gap: SubscriptionGap) => void
  readonly #subs = new Set<Subscription>()
  readonly #retryMs: number
  readonly #dispose: () => void

  constructor(
    set: EndpointSet,
    client: (endpoint: Endpoint) => KuboRPCClient,
    onGap: (gap: SubscriptionGap) => void,
    retryMs: number,
  ) {
    this.#set = set
    this.#client = client
    this.#onGap = onGap
    this.#retryMs = retryMs
    this.#dispose = set.on('stateChange', (e) => {
      if (!MOVING_STATES.has(e.to)) return
      for (const sub of this.#subs)
        if (sub.endpoint?.id === e.endpoint)
          this.#move(sub, new Error(`node ${e.endpoint} ${e.to}: ${e.reason}`))
    })
  }

  async subscribe(topic: string, handler: Handler, options: SubscribeOptions = {}): Promise<void> {
    const sub: Subscription = {
      topic,
      handler,
      options,
      endpoint: undefined,
      controller: new AbortController(),
      closed: false,
    }
    options.signal?.addEventListener('abort', () => this.#close(sub), { once: true })
    this.#subs.add(sub)
    try {
      await this.#open(sub, [])
    } catch (err) {
      this.#close(sub)
      throw err
    }
  }

  async unsubscribe(topic: string, handler?: Handler): Promise<void> {
    for (const sub of this.#subs)
      if (sub.topic === topic && (handler === undefined || sub.handler === handler))
        this.#close(sub)
  }

  list(): { topic: string; endpoint: string | undefined }[] {
    return [...this.#subs].map((s) => ({ topic: s.topic, endpoint: s.endpoint?.id }))
  }

  close(): void {
    this.#dispose()
    for (const sub of this.#subs) this.#close(sub)
  }

  #close(sub: Subscription): void {
    sub.closed = true
    sub.controller.abort()
    this.#subs.delete(sub)
  }

  /** Subscribes `sub` on some node (not in `exclude`), through the set's failover. */
  async #open(sub: Subscription, exclude: string[]): Promise<void> {
    const controller = new AbortController()
    sub.controller = controller
    await this.#set.execute(
      async (endpoint, ctx) => {
        const attempt = new AbortController()
        const onAbort = () => attempt.abort()
        controller.signal.addEventListener('abort', onAbort, { once: true })
        ctx.signal.addEventListener('abort', onAbort, { once: true })
        try {
          await this.#client(endpoint).pubsub.subscribe(sub.topic, sub.handler, {
            ...sub.options,
            signal: attempt.signal,
            onError: (err: Error, fatal?: boolean) => {
              scrubError(err, endpoint)
              if (fatal !== false && attempt.signal.aborted === false) this.#move(sub, err)
              sub.options.onError?.(err)
            },
          } as SubscribeOptions)
        } catch (err) {
          attempt.abort()
          throw scrubError(err, endpoint)
        } finally {
          ctx.signal.removeEventListener('abort', onAbort)
        }
        sub.endpoint = endpoint
      },
      { idempotent: true, hedge: false, ...(exclude.length > 0 ? { exclude } : {}) },
    )
  }

  #move(sub: Subscription, error: unknown): void {
    const from = sub.endpoint
    if (sub.closed || from === undefined) return
    sub.endpoint = undefined
    sub.controller.abort()
    const lostAt = Date.now()
    const attempt = (exclude: string[]) => {
      if (sub.closed) return
      this.#open(sub, exclude).then(
        () =>
          this.#onGap({
            topic: sub.topic,
            from: from.id,
            to: sub.endpoint?.id,
            lostAt,
            resumedAt: Date.now(),
            error,
          }),
        () => {
          // Nothing reachable now: try again later (everything allowed, the old node may be back).
          setTimeout(() => attempt([]), this.#retryMs).unref()
        },
      )
    }
    attempt(this.#set.endpoints.length > 1 ? [from.id] : [])
  }
}
