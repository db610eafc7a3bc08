import { createPrivateKey } from 'node:crypto'
import { TestkitError } from '../process/testkit-error.js'
import { assetChaincode, type Chaincode } from './asset-chaincode.js'
import { FabricLedger } from './fabric-ledger.js'
import { type ClosableFabricPeer, type FabricPeer, startFabricPeer } from './fabric-peer.js'
import { IdentityVerifier } from './identity-verifier.js'
import { createThrowawayCa } from './throwaway-ca.js'

/** Options of `startFabricNetwork`. */
export interface FabricNetworkOptions {
  /** Number of peers. Default: 3. */
  readonly peers?: number
  /** Serve TLS with a throwaway CA (server names = peer host names). Default: true. */
  readonly tls?: boolean
  /** Default: 'mychannel'. */
  readonly channelName?: string
  /** Name the asset-transfer chaincode is deployed under. Default: 'basic'. */
  readonly chaincodeName?: string
  /** Orderer batch timeout, in ms. Default: 50. */
  readonly blockCutMs?: number
  /**
   * A peer's keepalive enforcement: a client pinging more often than this gets GOAWAY
   * too_many_pings, as with a Fabric peer's default `keepalive.minInterval`. In ms. Default: 60000.
   */
  readonly keepaliveMinIntervalMs?: number
  /** Aborts the start (everything started so far is closed). */
  readonly signal?: AbortSignal
}

/** Ledger figures for test assertions. */
export interface FabricLedgerView {
  /** Blocks committed, genesis included. */
  readonly height: number
  /** Transactions in blocks after genesis, whatever their validation code. */
  readonly transactions: number
  /** Transactions by validation code name, e.g. `{ VALID: 3, DUPLICATE_TXID: 1 }`. */
  readonly byCode: Readonly<Record<string, number>>
  /** Validation codes (numbers) of every commit of a transaction id, in order. */
  commits(transactionId: string): number[]
}

/** N test peers of one org over one shared ledger. */
export interface FabricNetwork extends AsyncDisposable {
  readonly peers: readonly FabricPeer[]
  readonly channelName: string
  readonly chaincodeName: string
  readonly mspId: string
  readonly tls: boolean
  /** CA certificate (PEM) to trust; undefined when insecure. */
  readonly tlsRootCert: Buffer | undefined
  /** A client identity issued by the org CA (PEM), for fabric-gateway's `signers.newPrivateKeySigner`. */
  readonly client: {
    readonly mspId: string
    readonly certificate: Buffer
    readonly privateKey: Buffer
  }
  ledger(): FabricLedgerView
  /** Cuts a block from pending transactions now instead of after `blockCutMs`. */
  cutBlock(): void
  close(): Promise<void>
}

const MSP_ID = 'Org1MSP'
const DOMAIN = 'org1.example.com'

/**
 * Starts N in-process Fabric peers (grpc-js, Gateway + Deliver services) sharing one ledger and
 * an orderer emulation, each behind its own fault proxy, with the asset-transfer chaincode.
 */
export async function startFabricNetwork(
  options: FabricNetworkOptions = {},
): Promise<FabricNetwork> {
  const count = options.peers ?? 3
  if (!(Number.isInteger(count) && count >= 1))
    throw new TestkitError('INVALID_CONFIG', 'peers must be an integer >= 1')
  const tls = options.tls ?? true
  const channelName = options.channelName ?? 'mychannel'
  const chaincodeName = options.chaincodeName ?? 'basic'
  const ca = createThrowawayCa({ organization: DOMAIN })
  const client = ca.issue({
    commonName: `User1@${DOMAIN}`,
    organizationalUnit: 'client',
    usage: 'client',
  })
  const ledger = new FabricLedger({
    channelId: channelName,
    ...(options.blockCutMs !== undefined ? { blockCutMs: options.blockCutMs } : {}),
  })
  const verifier = new IdentityVerifier(ca.certificate, MSP_ID)
  const chaincodes = new Map<string, Chaincode>([[chaincodeName, assetChaincode]])
  const peers: ClosableFabricPeer[] = []
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= (async () => {
      ledger.close()
      await Promise.all(peers.map((p) => p.close()))
    })()
    return closed
  }
  try {
    for (let index = 0; index < count; index++) {
      options.signal?.throwIfAborted()
      const hostName = `peer${index}.${DOMAIN}`
      const enrollment = ca.issue({ commonName: hostName, organizationalUnit: 'peer' })
      const endorser = {
        mspId: MSP_ID,
        certificate: enrollment.certificate,
        privateKey: createPrivateKey(enrollment.privateKey),
      }
      const serverTls = tls ? ca.issue({ commonName: hostName, dnsNames: [hostName] }) : undefined
      const peerOptions = {
        index,
        hostName,
        mspId: MSP_ID,
        ledger,
        verifier,
        endorser,
        chaincodes,
        tls: serverTls,
        ...(options.keepaliveMinIntervalMs !== undefined
          ? { keepaliveMinIntervalMs: options.keepaliveMinIntervalMs }
          : {}),
      }
      peers.push(await startFabricPeer(peerOptions, options.signal))
    }
  } catch (err) {
    await close()
    throw err
  }
  return {
    peers,
    channelName,
    chaincodeName,
    mspId: MSP_ID,
    tls,
    tlsRootCert: tls ? ca.certificate : undefined,
    client: { mspId: MSP_ID, certificate: client.certificate, privateKey: client.privateKey },
    ledger: () => {
      const byCode = ledger.countsByCode()
      return {
        height: ledger.height,
        transactions: Object.values(byCode).reduce((a, b) => a + b, 0),
        byCode,
        commits: (transactionId) => ledger.occurrences(transactionId).map((tx) => tx.code),
      }
    },
    cutBlock: () => ledger.cut(),
    close,
    [Symbol.asyncDispose]: close,
  }
}
