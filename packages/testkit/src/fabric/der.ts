// A minimal DER writer: just the ASN.1 types an X.509 v3 certificate needs. node:crypto can parse
// certificates (X509Certificate) but not build them, and the X.509 libraries on npm either lack
// ECDSA or need a global reflect-metadata polyfill; 60 lines of DER avoid both.

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** Encodes one DER element: tag, definite length, content. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body])
}

function oidBytes(oid: string): Buffer {
  const parts = oid.split('.').map(Number)
  const [first = 0, second = 0, ...rest] = parts
  const out: number[] = [first * 40 + second]
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f]
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift(0x80 | (v & 0x7f))
    out.push(...chunk)
  }
  return Buffer.from(out)
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString() // 2026-11-23T11:08:48.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
  return tlv(0x17, Buffer.from(text, 'ascii'))
}

/** DER builders, named after the ASN.1 types. */
export const der = {
  seq: (...items: Buffer[]): Buffer => tlv(0x30, ...items),
  set: (...items: Buffer[]): Buffer => tlv(0x31, ...items),
  bool: (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0])),
  /** A non-negative integer given as big-endian bytes. */
  uint: (bytes: Buffer): Buffer => {
    let start = 0
    while (start < bytes.length - 1 && bytes[start] === 0) start++
    const trimmed = bytes.subarray(start)
    const pad = (trimmed[0] ?? 0) & 0x80 ? Buffer.from([0]) : Buffer.alloc(0)
    return tlv(0x02, pad, trimmed)
  },
  bitString: (bytes: Buffer, unusedBits = 0): Buffer => tlv(0x03, Buffer.from([unusedBits]), bytes),
  octetString: (bytes: Buffer): Buffer => tlv(0x04, bytes),
  oid: (oid: string): Buffer => tlv(0x06, oidBytes(oid)),
  utf8: (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8')),
  utcTime,
  /** Context-specific constructed tag `[n]` (explicit tagging). */
  explicit: (n: number, ...items: Buffer[]): Buffer => tlv(0xa0 | n, ...items),
  /** Context-specific primitive tag `[n]` (implicit tagging of a primitive). */
  implicit: (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes),
}
