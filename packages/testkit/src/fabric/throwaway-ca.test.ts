import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createThrowawayCa } from './throwaway-ca.js'

describe('createThrowawayCa', () => {
  const ca = createThrowawayCa({ organization: 'org1.example.com' })

  it('behavior: issues a server certificate valid for its host name only', () => {
    const leaf = ca.issue({
      commonName: 'peer0.org1.example.com',
      dnsNames: ['peer0.org1.example.com'],
    })
    const root = new X509Certificate(ca.certificate)
    const cert = new X509Certificate(leaf.certificate)
    expect(root.ca).toBe(true)
    expect(cert.ca).toBe(false)
    expect(cert.checkIssued(root) && cert.verify(root.publicKey)).toBe(true)
    expect(cert.checkHost('peer0.org1.example.com')).toBe('peer0.org1.example.com')
    expect(cert.checkHost('localhost')).toBeUndefined()
    expect(cert.checkIP('127.0.0.1')).toBeUndefined()
    expect(cert.subjectAltName).toBe('DNS:peer0.org1.example.com')
  })

  it('behavior: a client identity key signs what its certificate verifies (ECDSA P-256)', () => {
    const client = ca.issue({ commonName: 'User1', organizationalUnit: 'client', usage: 'client' })
    const cert = new X509Certificate(client.certificate)
    expect(cert.subject).toContain('OU=client')
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    const signature = sign('sha256', Buffer.from('message'), createPrivateKey(client.privateKey))
    expect(
      verify('sha256', Buffer.from('message'), createPublicKey(client.certificate), signature),
    ).toBe(true)
  })

  it('error: a certificate from another throwaway CA does not chain to this one', () => {
    const other = createThrowawayCa().issue({ commonName: 'stranger' })
    expect(
      new X509Certificate(other.certificate).verify(new X509Certificate(ca.certificate).publicKey),
    ).toBe(false)
  })
})
