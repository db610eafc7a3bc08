import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { der } from './der.js'

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface IssuedCertificate {
  readonly certificate: Buffer
  readonly privateKey: Buffer
}

/** What a leaf certificate is for. */
export interface IssueOptions {
  readonly commonName: string
  /** Organizational unit, e.g. 'client' or 'peer' (Fabric NodeOUs). Default: none. */
  readonly organizationalUnit?: string
  /** DNS names for the subjectAltName extension. Default: none. */
  readonly dnsNames?: readonly string[]
  /** Extended key usage. Default: 'server'. */
  readonly usage?: 'server' | 'client'
}

/** A certificate authority that lives only in memory, for one test network. */
export interface ThrowawayCa extends IssuedCertificate {
  issue(options: IssueOptions): IssuedCertificate
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
}
const HOUR_MS = 3_600_000
const VALIDITY_MS = 7 * 24 * HOUR_MS

function name(attrs: ReadonlyArray<readonly [string, string | undefined]>): Buffer {
  const rdns = attrs.flatMap(([oid, value]) =>
    value === undefined ? [] : [der.set(der.seq(der.oid(oid), der.utf8(value)))],
  )
  return der.seq(...rdns)
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.seq(der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octetString(value))
}

function toPem(label: string, body: Buffer): Buffer {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? []
  return Buffer.from(`-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`)
}

interface CertificateFields {
  readonly subject: Buffer
  readonly issuer: Buffer
  readonly publicKey: KeyObject
  readonly signingKey: KeyObject
  readonly extensions: readonly Buffer[]
}

function certificate(fields: CertificateFields): Buffer {
  const now = Date.now()
  const algorithm = der.seq(der.oid(OID.ecdsaWithSha256))
  const tbs = der.seq(
    der.explicit(0, der.uint(Buffer.from([2]))), // v3
    der.uint(randomBytes(16)),
    algorithm,
    fields.issuer,
    der.seq(der.utcTime(new Date(now - HOUR_MS)), der.utcTime(new Date(now + VALIDITY_MS))),
    fields.subject,
    fields.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.seq(...fields.extensions)),
  )
  const signature = sign('sha256', tbs, fields.signingKey)
  return toPem('CERTIFICATE', der.seq(tbs, algorithm, der.bitString(signature)))
}

function keyId(key: KeyObject): Buffer {
  return createHash('sha1')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest()
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
}

/**
 * Creates an ECDSA P-256 CA (valid one week, from an hour ago) that issues leaf certificates:
 * TLS server certificates whose SAN is a peer's host name, and client identities for signing.
 */
export function createThrowawayCa(
  options: { commonName?: string; organization?: string } = {},
): ThrowawayCa {
  const organization = options.organization ?? 'org1.example.com'
  const caName = name([
    [OID.organization, organization],
    [OID.commonName, options.commonName ?? `ca.${organization}`],
  ])
  const caKeys = newKeyPair()
  const caKeyId = keyId(caKeys.publicKey)
  const caCertificate = certificate({
    subject: caName,
    issuer: caName,
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      extension(OID.basicConstraints, true, der.seq(der.bool(true))),
      // keyCertSign | cRLSign | digitalSignature
      extension(OID.keyUsage, true, der.bitString(Buffer.from([0x86]), 1)),
      extension(OID.subjectKeyId, false, der.octetString(caKeyId)),
    ],
  })
  const issue = (leaf: IssueOptions): IssuedCertificate => {
    const keys = newKeyPair()
    const dnsNames = leaf.dnsNames ?? []
    const usage = leaf.usage === 'client' ? OID.clientAuth : OID.serverAuth
    const extensions = [
      extension(OID.basicConstraints, true, der.seq()),
      extension(OID.keyUsage, true, der.bitString(Buffer.from([0x80]), 7)), // digitalSignature
      extension(OID.extKeyUsage, false, der.seq(der.oid(usage))),
      extension(OID.subjectKeyId, false, der.octetString(keyId(keys.publicKey))),
      extension(OID.authorityKeyId, false, der.seq(der.implicit(0, caKeyId))),
      ...(dnsNames.length > 0
        ? [
            extension(
              OID.subjectAltName,
              false,
              der.seq(...dnsNames.map((dns) => der.implicit(2, Buffer.from(dns)))),
            ),
          ]
        : []),
    ]
    const subject = name([
      [OID.organization, organization],
      [OID.organizationalUnit, leaf.organizationalUnit],
      [OID.commonName, leaf.commonName],
    ])
    return {
      certificate: certificate({
        subject,
        issuer: caName,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions,
      }),
      privateKey: Buffer.from(keys.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    }
  }
  return {
    certificate: caCertificate,
    privateKey: Buffer.from(caKeys.privateKey.export({ type: 'pkcs8', format: 'pem' })),
    issue,
  }
}
