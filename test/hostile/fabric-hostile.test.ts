/**
 * Hostile gRPC transport for Fabric: a peer whose connection is cut after N bytes (mid TLS
 * handshake, mid HTTP/2 frame, mid response). Calls fail over to the other peer; with every
 * peer cut they fail with a typed error before their deadline. Nothing crashes the process.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { connectFailover, type FailoverGateway } from '@steadfast/fabric'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  baseOptions,
  type FabricTarget,
  startFabricTarget,
} from '../../packages/fabric/src/integration/fabric-target.js'
import { flush, tally } from '../chaos/support/figures.js'

const SETTLE_MS = 30_000
const CUTS = [100, 1500, 4000, 9000]
/** Cuts inside the TLS handshake or the first frames: no answer can get through. */
const EARLY_CUTS = [60, 100, 700, 1500]

let target: FabricTarget
let gateway: FailoverGateway

beforeAll(async () => {
  target = await startFabricTarget(2)
})
afterAll(async () => {
  await target?.close()
  flush()
})
beforeEach(async () => {
  await Promise.all(target.faults.map((f) => f.setProxyMode({ kind: 'pass' })))
})

function connect() {
  return connectFailover({
    ...baseOptions(target),
    deadlines: { evaluateMs: 2000, endorseMs: 2000, submitMs: 2000, commitStatusMs: 5000 },
    health: { intervalMs: 200, timeoutMs: 1000 },
  })
}
const settle = <T>(p: Promise<T>) =>
  Promise.race([
    p.then(
      (v) => v as T | unknown,
      (e: unknown) => e,
    ),
    sleep(SETTLE_MS, 'pending' as const, { ref: false }),
  ])

describe('hostile gRPC transport (fabric)', () => {
  it.each(CUTS)(
    'behavior: the first peer cut after %i bytes: evaluate and submit fail over to the other peer',
    async (afterBytes) => {
      gateway = connect()
      try {
        const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
        const id = `cut-${afterBytes}-${Date.now()}`
        await contract.submitTransaction('CreateAsset', id, 'blue', '5', 'Tom', '300')
        await target.faults[0]!.setProxyMode({ kind: 'cut', afterBytes })
        const read = await settle(contract.evaluateTransaction('ReadAsset', id))
        expect(read, String(read)).toBeInstanceOf(Uint8Array)
        expect(Buffer.from(read as Uint8Array).toString()).toContain(id)
        const id2 = `${id}-b`
        const submitted = await settle(
          contract.submitAsync('CreateAsset', { arguments: [id2, 'red', '1', 'Ann', '10'] }),
        )
        expect(submitted, String(submitted)).not.toBeInstanceOf(Error)
        const commit = submitted as Awaited<ReturnType<typeof contract.submitAsync>>
        const status = await settle(commit.getStatus())
        expect((status as { successful?: boolean }).successful, String(status)).toBe(true)
        // Committed exactly once (VALID = 0) on the shared ledger.
        const codes = target.ledger?.().commits(commit.getTransactionId())
        if (codes) expect(codes.filter((c) => c === 0)).toHaveLength(1)
        tally('hostileAnswers')
      } finally {
        await gateway.close()
      }
    },
  )

  it.each(EARLY_CUTS)(
    'error: every peer cut after %i bytes: evaluate fails with a typed error before its deadline',
    async (afterBytes) => {
      gateway = connect()
      try {
        const contract = gateway.getNetwork(target.channelName).getContract(target.chaincodeName)
        await Promise.all(target.faults.map((f) => f.setProxyMode({ kind: 'cut', afterBytes })))
        const error = await settle(contract.evaluateTransaction('ReadAsset', 'nope'))
        expect(error).not.toBe('pending')
        expect(error).toBeInstanceOf(Error)
        expect(String((error as { code?: unknown }).code), String(error)).toMatch(
          /^(ENDPOINTS_EXHAUSTED|DEADLINE_EXCEEDED|NO_ENDPOINT_AVAILABLE)$/,
        )
        tally('hostileAnswers')
      } finally {
        await gateway.close()
      }
    },
  )
})
