import type { Endpoint, FailureKind } from '@steadfast/core'

/**
 * Error codes meaning the request never reached the node complete. EPIPE: the node had closed
 * the connection while the request was still being written (typically a stale keep-alive
 * socket), so it cannot have acted on it.
 */
const UNSENT_CODES = new Set([
  'EPIPE',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
])

/** HTTP statuses that say "this server, now", not "your request". */
const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504])

/**
 * Messages of a Kubo (JSON) error answer that depend on the node, not on the request: the block
 * may be held by another node, the node may be busy. Any other Kubo error answer is the
 * application's answer and is final.
 */
const NODE_LOCAL_MESSAGE =
  /not found|could not find|no link named|context deadline|timed? ?out|too many open files|repo (is )?closed|lock/i

function* chain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>()
  let current = error
  while (current !== null && current !== undefined && !seen.has(current)) {
    seen.add(current)
    yield current
    current = (current as { cause?: unknown }).cause
  }
}

function field(e: unknown, key: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined
}

function classifyHttp(e: unknown): FailureKind | undefined {
  const response = field(e, 'response') as Response | undefined
  if (field(e, 'name') !== 'HTTPError' || typeof response?.status !== 'number') return undefined
  const status = response.status
  if (RETRYABLE_STATUS.has(status)) return 'retryable'
  if (status >= 400 && status < 500) return 'fatal'
  if (status === 500) {
    // Kubo answers its own errors as 500 + JSON; a bare 500 comes from something in front of it.
    const json = (response.headers?.get?.('content-type') ?? '').startsWith('application/json')
    if (!json) return 'retryable'
    return NODE_LOCAL_MESSAGE.test(String(field(e, 'message') ?? '')) ? 'retryable' : 'fatal'
  }
  return status > 500 ? 'retryable' : 'fatal'
}

/**
 * Whether a failed Kubo RPC call may move to another node. Replaceable: pass your own as
 * `shouldFailover`.
 * - `unsent`: connection refused, DNS or TLS failure, EPIPE (the request never reached the node
 *   complete);
 * - `retryable`: reset, socket closed, timeout, 5xx without a Kubo answer, 408/429/502/503/504,
 *   a Kubo "not found" / deadline answer (another node may hold the block), an unparseable body;
 * - `fatal`: any other HTTP 4xx (bad argument, unknown command) and Kubo's application errors.
 */
export function kuboShouldFailover(
  error: unknown,
  _ctx?: { endpoint: Endpoint; attempt: number },
): FailureKind {
  let sawTransport = false
  for (const e of chain(error)) {
    const code = field(e, 'code')
    if (typeof code === 'string' && UNSENT_CODES.has(code)) return 'unsent'
    const http = classifyHttp(e)
    if (http !== undefined) return http
    const name = field(e, 'name')
    if (name === 'TimeoutError' || name === 'AbortError') sawTransport = true
    // A 200 whose body is not JSON (an HTML page from a proxy, garbage) is a broken node, not an
    // answer from Kubo: another node may answer properly.
    if (name === 'SyntaxError') sawTransport = true
    if (
      typeof code === 'string' &&
      (/^(E[A-Z]+|UND_ERR_.*)$/.test(code) || code === 'ATTEMPT_TIMEOUT')
    )
      sawTransport = true
    if (e instanceof TypeError && /fetch failed|terminated|other side closed/i.test(e.message))
      sawTransport = true
  }
  return sawTransport ? 'retryable' : 'fatal'
}
