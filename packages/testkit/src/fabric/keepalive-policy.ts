import { constants, type Http2Server, type ServerHttp2Session } from 'node:http2'
import type { Server } from '@grpc/grpc-js'

/** grpc-go's limit: a third too-early ping closes the connection. */
const MAX_PING_STRIKES = 2
/** Lets the GOAWAY frame reach the client before the connection is destroyed. */
const GOAWAY_FLUSH_MS = 20

function police(session: ServerHttp2Session, minIntervalMs: number): void {
  let lastPingAt = 0
  let strikes = 0
  let maxStreamId = 0
  // grpc-go forgives pings after the server sent something; new client streams approximate that.
  session.on('stream', (stream) => {
    maxStreamId = Math.max(maxStreamId, stream.id ?? 0)
    strikes = 0
    lastPingAt = 0
  })
  session.on('ping', () => {
    const now = Date.now()
    if (lastPingAt !== 0 && now - lastPingAt < minIntervalMs) strikes++
    lastPingAt = now
    if (strikes <= MAX_PING_STRIKES || session.closed || session.destroyed) return
    // As grpc-go: GOAWAY ENHANCE_YOUR_CALM "too_many_pings", then the connection is closed.
    session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, maxStreamId, Buffer.from('too_many_pings'))
    setTimeout(() => session.destroy(), GOAWAY_FLUSH_MS).unref()
  })
}

/**
 * Enforces a Fabric peer's keepalive policy (grpc-go EnforcementPolicy: MinTime, pings allowed
 * without streams): a client pinging more often than `minIntervalMs` gets GOAWAY
 * ENHANCE_YOUR_CALM "too_many_pings" and its connection closed (open calls fail UNAVAILABLE;
 * grpc-js then doubles its keepalive time). grpc-js servers do not enforce this themselves; the
 * hook reaches their HTTP/2 servers through a private field, so with another grpc-js layout the
 * policy is not enforced and this returns false.
 */
export function enforceKeepalivePolicy(server: Server, minIntervalMs: number): boolean {
  const servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers
  if (!(servers instanceof Map) || servers.size === 0) return false
  for (const http2Server of servers.keys()) {
    http2Server.on('session', (session: ServerHttp2Session) => police(session, minIntervalMs))
  }
  return true
}
