import { createSocket, type RemoteInfo } from 'node:dgram'
import type { AddressInfo } from 'node:net'

/**
 * A tiny authoritative DNS server over UDP answering A queries from a table the example edits,
 * standing in for the cluster DNS (CoreDNS) in a local run: a headless Service resolves to one A
 * record per ready pod. Other names get NXDOMAIN, other types an empty answer.
 */
export class LocalDns {
  private readonly records = new Map<string, string[]>()
  private readonly socket = createSocket('udp4')

  /** Sets the A records of `name` (an empty list removes them). */
  set(name: string, addresses: readonly string[]): void {
    this.records.set(name.toLowerCase(), [...addresses])
  }

  /** Listens on 127.0.0.1 at a free port; returns `host:port` for `Resolver.setServers`. */
  async start(): Promise<string> {
    this.socket.on('message', (msg, from) => this.answer(msg, from))
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve))
    return `127.0.0.1:${(this.socket.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }

  private answer(query: Buffer, from: RemoteInfo): void {
    const q = parseQuestion(query)
    if (!q) return
    const known = this.records.get(q.name.toLowerCase())
    const answers = q.type === 1 ? (known ?? []) : []
    const header = Buffer.alloc(12)
    header.writeUInt16BE(query.readUInt16BE(0), 0) // same id
    // QR=1, AA=1, RD copied, RA=1; rcode 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8480 | (query.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2)
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(answers.length, 6)
    const records = answers.map((ip) => {
      const rr = Buffer.alloc(16)
      rr.writeUInt16BE(0xc00c, 0) // pointer to the question's name
      rr.writeUInt16BE(1, 2) // A
      rr.writeUInt16BE(1, 4) // IN
      rr.writeUInt32BE(5, 6) // TTL 5 s, like CoreDNS's default for services
      rr.writeUInt16BE(4, 10)
      for (const [i, octet] of ip.split('.').entries()) rr.writeUInt8(Number(octet), 12 + i)
      return rr
    })
    this.socket.send(
      Buffer.concat([header, query.subarray(12, q.end), ...records]),
      from.port,
      from.address,
    )
  }
}

function parseQuestion(msg: Buffer): { name: string; type: number; end: number } | undefined {
  if (msg.length < 17) return undefined
  const labels: string[] = []
  let i = 12
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i] as number
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'))
    i += 1 + len
  }
  if (i + 5 > msg.length) return undefined
  return { name: labels.join('.'), type: msg.readUInt16BE(i + 1), end: i + 5 }
}
