import { appendFileSync } from 'node:fs'
import { Transaction } from './ethers.js'

/**
 * Debug trace of a dApp flow (STEADFAST_FLOW_TRACE=<file>): every `_send` payload with its start,
 * end and outcome, the set's attempts and state changes, and at the end the fate of every sent
 * transaction on each replica (straight to the node). Off unless the variable is set.
 */
export function traceFlow(
  provider: unknown,
  label: string,
  directUrls: readonly string[] = [],
): ((reason: string) => Promise<void>) | undefined {
  const file = process.env.STEADFAST_FLOW_TRACE
  if (!file) return undefined
  const t0 = Date.now()
  const log = (line: string) => appendFileSync(file, `${label} +${Date.now() - t0} ${line}\n`)
  const p = provider as {
    _send(payload: unknown): Promise<unknown[]>
    endpointSet?: { on(event: string, fn: (e: Record<string, unknown>) => void): unknown }
  }
  const hashes = new Set<string>()
  const original = p._send.bind(p)
  let seq = 0
  p._send = async (payload) => {
    const n = ++seq
    const list = (Array.isArray(payload) ? payload : [payload]) as {
      id: number
      method: string
      params: unknown[]
    }[]
    const what = list
      .map((x) => {
        if (x.method === 'eth_sendRawTransaction') {
          const tx = Transaction.from(String(x.params[0]))
          hashes.add(tx.hash!)
          return `${x.id}:send(${tx.hash!.slice(0, 10)} ${tx.from?.slice(0, 8)} n${tx.nonce})`
        }
        const arg = typeof x.params[0] === 'string' ? `(${x.params[0].slice(0, 10)})` : ''
        return `${x.id}:${x.method.replace(/^eth_/, '')}${arg}`
      })
      .join(' ')
    log(`#${n} > ${what}`)
    try {
      const out = (await original(payload)) as { id: number; result?: unknown; error?: unknown }[]
      log(`#${n} < ${out.map((r) => `${r.id}=${summarize(r.error ?? r.result)}`).join(' ')}`)
      return out
    } catch (error) {
      log(`#${n} ! ${(error as Error).message.slice(0, 200)}`)
      throw error
    }
  }
  p.endpointSet?.on('attempt', (e) => {
    if (e.outcome !== 'success')
      log(`attempt ${e.url} ${e.outcome} ${(e.error as Error | undefined)?.message?.slice(0, 100)}`)
  })
  p.endpointSet?.on('stateChange', (e) => log(`state ${e.url} ${e.from}->${e.to} ${e.reason}`))
  return async (reason) => {
    log(`END ${reason}`)
    for (const hash of hashes) {
      const where: string[] = []
      for (const url of directUrls) {
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'eth_getTransactionByHash',
          params: [hash],
        })
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          signal: AbortSignal.timeout(2000),
        })
          .then((r) => r.json() as Promise<{ result: { blockNumber: string | null } | null }>)
          .catch((e: Error) => ({ result: undefined, error: e.message }))
        const r = res.result
        where.push(r === undefined ? 'err' : r === null ? '-' : (r.blockNumber ?? 'pool'))
      }
      log(`tx ${hash.slice(0, 10)} ${where.join(' ')}`)
    }
  }
}

/** A result for the trace: logs as blockNumber/blockHash/tx, anything else cut at 60 chars. */
function summarize(value: unknown): string | undefined {
  if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') {
    const logs = value as {
      blockNumber?: string
      blockHash?: string
      transactionHash?: string
      removed?: boolean
    }[]
    return `[${logs
      .map(
        (l) =>
          `${Number(l.blockNumber)}/${l.blockHash?.slice(0, 8)}/${l.transactionHash?.slice(0, 10)}${l.removed === true ? '/removed' : ''}`,
      )
      .join(' ')}]`
  }
  return JSON.stringify(value)?.slice(0, 60)
}
