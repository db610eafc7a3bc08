import { createHash, verify, X509Certificate } from 'node:crypto'
import { msp } from '@hyperledger/fabric-protos'

/** Why a creator or its signature was refused; the text is what a peer says. */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError'
}

/**
 * Checks a creator (a serialized MSP identity) the way a peer's MSP does, reduced to one org:
 * the MSP id matches, the certificate was issued by the org CA, and the ECDSA signature over
 * the message verifies (fabric-gateway signs the SHA-256 digest; DER, low-S).
 */
export class IdentityVerifier {
  readonly #ca: X509Certificate
  readonly #mspId: string
  readonly #certificates = new Map<string, X509Certificate>()

  constructor(caCertificate: Buffer, mspId: string) {
    this.#ca = new X509Certificate(caCertificate)
    this.#mspId = mspId
  }

  #certificate(creator: Uint8Array, channel: string): X509Certificate {
    const identity = msp.SerializedIdentity.deserializeBinary(creator)
    const denied = () =>
      new AccessDeniedError(
        `access denied: channel [${channel}] creator org [${identity.getMspid()}]`,
      )
    if (identity.getMspid() !== this.#mspId) throw denied()
    const pem = Buffer.from(identity.getIdBytes_asU8()).toString('utf8')
    let certificate = this.#certificates.get(pem)
    if (certificate === undefined) {
      try {
        certificate = new X509Certificate(pem)
      } catch {
        throw denied()
      }
      if (!certificate.checkIssued(this.#ca) || !certificate.verify(this.#ca.publicKey))
        throw denied()
      this.#certificates.set(pem, certificate)
    }
    return certificate
  }

  /** Throws AccessDeniedError unless `signature` is the creator's over `message`. */
  verify(creator: Uint8Array, message: Uint8Array, signature: Uint8Array, channel: string): void {
    const certificate = this.#certificate(creator, channel)
    let valid = false
    try {
      valid = verify('sha256', message, certificate.publicKey, signature)
    } catch {
      valid = false
    }
    if (!valid)
      throw new AccessDeniedError(
        'the creator certificate is not valid: signature verification failed',
      )
  }
}

/** Fabric's transaction id: hex SHA-256 of nonce || creator. */
export function transactionIdOf(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex')
}
