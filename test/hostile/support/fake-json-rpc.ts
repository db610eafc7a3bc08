import type { IncomingMessage, ServerResponse } from 'node:http'
import { type LocalServer, startServer } from '../../secrets/support/hostile-servers.js'

/** What the fake answers the method under attack with: raw text, or a handler of its own. */
export type Hostile = string | ((res: ServerResponse, id: unknown) => void)

interface Request {
  id?: unknown
  method?: string
}

/** Healthy answers for the probe's and ethers' own calls (chain 1337, head 0x10). */
function healthy(method: string | undefined): unknown {
  switch (method) {
    case 'eth_chainId':
      return '0x539'
    case 'net_version':
      return '1337'
    case 'eth_blockNumber':
      return '0x10'
    case 'eth_syncing':
      return false
    case 'eth_getBalance':
      return '0x1'
    default:
      return null
  }
}

/**
 * A JSON-RPC replica for chain 1337 that answers the health probe correctly (so it is picked)
 * and answers `attacked` (default `eth_getBalance`) with `hostile` — unless `hostile` is
 * undefined, then it behaves. Batches are answered element-wise unless they contain the
 * attacked method, which makes the whole answer hostile.
 */
export function startFakeJsonRpc(
  hostile: Hostile | undefined,
  attacked = 'eth_getBalance',
): Promise<LocalServer & { attacks: number }> {
  let attacks = 0
  const answer = (req: Request) => ({ jsonrpc: '2.0', id: req.id, result: healthy(req.method) })
  return startServer((_req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    let parsed: Request | Request[]
    try {
      parsed = JSON.parse(body.toString('utf8')) as Request | Request[]
    } catch {
      res.writeHead(400).end()
      return
    }
    const list = Array.isArray(parsed) ? parsed : [parsed]
    const attackedReq = list.find((r) => r.method === attacked)
    if (hostile !== undefined && attackedReq !== undefined) {
      attacks++
      if (typeof hostile === 'function') return hostile(res, attackedReq.id)
      res.writeHead(200, { 'content-type': 'application/json' }).end(hostile)
      return
    }
    const out = Array.isArray(parsed) ? list.map(answer) : answer(list[0]!)
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out))
  }).then((server) => Object.defineProperty(server, 'attacks', { get: () => attacks })) as Promise<
    LocalServer & { attacks: number }
  >
}
