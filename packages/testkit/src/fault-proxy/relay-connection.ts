import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FaultMode } from './fault-mode.js'
import { answerHttp } from './http-responder.js'

/** Byte counters a connection reports to its proxy. */
export interface ByteCounter {
  in(bytes: number): void
  out(bytes: number): void
}

/** Both ends of one proxied connection, so a mode change can destroy them together. */
export interface Connection {
  readonly client: Socket
  upstream: Socket | undefined
  /** Set once a `cut` ended the connection on purpose (no reset for the client then). */
  cut?: boolean
}

/** After a cut, how long the client may take to read the delivered bytes before a hard close. */
const CUT_LINGER_MS = 1_000

/** Applies `mode` to a freshly accepted client socket for the connection's whole life. */
export function relayConnection(
  conn: Connection,
  mode: FaultMode,
  target: { host: string; port: number },
  count: ByteCounter,
): void {
  const { client } = conn
  client.setNoDelay(true)
  client.on('error', () => conn.upstream?.destroy())
  client.on('data', (chunk: Buffer) => count.in(chunk.length))
  switch (mode.kind) {
    case 'down': // not listening: cannot happen, but a late accept is dropped like a dead node
    case 'reset':
      // RST on the first request bytes: the client has sent, so the failure is "maybe processed".
      client.once('data', () => client.resetAndDestroy())
      client.once('end', () => client.resetAndDestroy())
      return
    case 'hang':
      return // the 'data' listener above keeps reading; nothing is ever written
    case 'http':
      answerHttp(client, mode, (n) => count.out(n))
      return
    case 'pass':
    case 'slow':
    case 'cut': {
      // Half-open both ways, so a client that half-closes after its request still gets the answer.
      const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true })
      conn.upstream = upstream
      upstream.setNoDelay(true)
      // A refused or broken target looks like a peer reset to the client.
      upstream.on('error', () => {
        if (!client.destroyed && !conn.cut) client.resetAndDestroy()
      })
      client.on('close', () => upstream.destroy())
      client.pipe(upstream)
      if (mode.kind === 'pass') {
        upstream.on('data', (chunk: Buffer) => count.out(chunk.length))
        upstream.pipe(client)
      } else if (mode.kind === 'cut') cutAfter(conn, upstream, mode.afterBytes, count)
      else void slowDown(upstream, client, mode, count)
      return
    }
  }
}

function cutAfter(conn: Connection, upstream: Socket, afterBytes: number, count: ByteCounter) {
  const { client } = conn
  let sent = 0
  upstream.on('data', (chunk: Buffer) => {
    const room = afterBytes - sent
    const part = chunk.length < room ? chunk : chunk.subarray(0, room)
    sent += part.length
    count.out(part.length)
    if (part.length < chunk.length || sent === afterBytes) {
      // The stream dies midway: the client gets exactly `afterBytes`, then the end.
      conn.cut = true
      client.unpipe(upstream)
      upstream.destroy()
      client.end(part)
      setTimeout(() => client.destroy(), CUT_LINGER_MS).unref()
      return
    }
    if (!client.write(part)) {
      upstream.pause()
      client.once('drain', () => upstream.resume())
    }
  })
  upstream.on('end', () => client.end())
}

async function slowDown(
  upstream: Socket,
  client: Socket,
  mode: Extract<FaultMode, { kind: 'slow' }>,
  count: ByteCounter,
) {
  const bps = mode.bytesPerSecond
  // Under a bandwidth cap, send ~20 slices a second so the rate is smooth, not bursty.
  const slice = bps === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(bps / 20))
  try {
    for await (const chunk of upstream as AsyncIterable<Buffer>) {
      if (mode.delayMs > 0) await sleep(mode.delayMs, undefined, { ref: false })
      for (let at = 0; at < chunk.length; at += slice) {
        const part = chunk.subarray(at, at + slice)
        if (bps !== undefined) await sleep((part.length / bps) * 1000, undefined, { ref: false })
        if (client.destroyed) return
        count.out(part.length)
        if (!client.write(part))
          await new Promise((r) => {
            client.once('drain', r)
            client.once('close', r)
          })
      }
    }
    client.end()
  } catch {
    if (!client.destroyed) client.resetAndDestroy()
  }
}
