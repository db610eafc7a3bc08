import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Interceptor } from '@grpc/grpc-js'
import * as grpc from '@grpc/grpc-js'
import { connectFailover, type FailoverGateway } from '@steadfast/fabric'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { assetId, baseOptions, type FabricTarget, startFabricTarget } from './fabric-target.js'

let target: FabricTarget
let gateway: FailoverGateway

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8')
const contract = () => gateway.getNetwork(target.channelName).getContract(target.chaincodeName)

beforeAll(async () => {
  target = await startFabricTarget(2)
  gateway = connectFailover({
    ...baseOptions(target),
    health: { intervalMs: 300, timeoutMs: 1_000 },
    deadlines: { evaluateMs: 2_000, endorseMs: 3_000, submitMs: 2_000, commitStatusMs: 10_000 },
  })
})

afterAll(async () => {
  await gateway?.close()
  await target?.close()
})

/**
 * Lets each call reach the peer, then replaces its OK answer by the next status of `answers`
 * (the first call's answer lost as UNAVAILABLE, say); later calls keep their answer.
 */
function replaceAnswers(...answers: Array<{ code: grpc.status; details: string }>): Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            const replacement = status.code === grpc.status.OK ? answers.shift() : undefined
            nextStatus(replacement ? { ...status, ...replacement } : status)
          },
        })
      },
    })
}

const LOST = { code: grpc.status.UNAVAILABLE, details: 'answer lost' }

function attemptsOf(run: () => Promise<unknown>) {
  const outcomes: string[] = []
  const off = gateway.endpointSet.on('attempt', (e) => outcomes.push(e.outcome))
  return run()
    .then(
      () => undefined,
      (e: unknown) => e,
    )
    .then((error) => {
      off()
      return { error, outcomes }
    })
}

describe('connectFailover: the fabric-gateway API over several peers', () => {
  it('behavior: submits and evaluates with the one changed call', async () => {
    await contract().submitTransaction('CreateAsset', assetId('b1'), 'blue', '5', 'Tom', '300')
    const read = JSON.parse(text(await contract().evaluateTransaction('ReadAsset', assetId('b1'))))
    expect(read.Owner).toBe('Tom')
  })

  it('behavior: a submit whose answer is lost is re-sent as the same signed transaction and commits once', async () => {
    const tx = await contract()
      .newProposal('CreateAsset', { arguments: [assetId('lost1'), 'red', '1', 'Ann', '1'] })
      .endorse()
    const submitted = await tx.submit({ interceptors: [replaceAnswers(LOST)] })
    const status = await submitted.getStatus()
    expect(status.successful).toBe(true)
    // Both copies reached the orderer; the ledger keeps the first, the re-send is a duplicate.
    const ledger = target.ledger
    if (ledger) {
      // The re-sent copy may land in the next block: wait for it, then check it is the duplicate.
      await vi.waitFor(() => expect(ledger().commits(tx.getTransactionId())).toHaveLength(2))
      expect(ledger().commits(tx.getTransactionId())).toEqual([0, 9])
    }
  })

  it('behavior: a re-send refused as a duplicate counts as accepted once the commit status confirms it', async () => {
    const tx = await contract()
      .newProposal('CreateAsset', { arguments: [assetId('dup1'), 'red', '1', 'Ann', '1'] })
      .endorse()
    // Attempt 1 reaches the orderer but its answer is lost; a real Fabric could refuse the
    // re-send of the same transaction id: that refusal means "already accepted".
    const duplicate = {
      code: grpc.status.ABORTED,
      details: 'DUPLICATE_TXID: duplicate transaction',
    }
    const submitted = await tx.submit({ interceptors: [replaceAnswers(LOST, duplicate)] })
    expect(await submitted.getStatus()).toMatchObject({ successful: true, code: 0 })
    expect(
      target
        .ledger?.()
        .commits(tx.getTransactionId())
        .filter((c) => c === 0),
    ).toEqual(target.ledger ? [0] : undefined)
  })

  it('behavior: a filtered block stream replays from a start block, each block once', async () => {
    const net = gateway.getNetwork(target.channelName)
    const stream = await net.getFilteredBlockEvents({ startBlock: 1n })
    const numbers: number[] = []
    for await (const block of stream) {
      numbers.push(block.getNumber())
      if (numbers.length === 2) break
    }
    expect(numbers).toEqual([1, 2])
  })

  it('error: a Deliver status answered by Fabric ends the stream as is, not retried', async () => {
    // The test peers answer DeliverWithPrivateData with BAD_REQUEST.
    const net = gateway.getNetwork(target.channelName)
    const stream = await net.getBlockAndPrivateDataEvents({ startBlock: 0n })
    const drain = async () => {
      for await (const _ of stream) {
        // nothing is expected
      }
    }
    await expect(drain()).rejects.toThrow(/Unexpected status response: 400/)
  })

  it('error: a chaincode error is returned as is after one attempt', async () => {
    const r = await attemptsOf(() => contract().evaluateTransaction('ReadAsset', 'missing'))
    expect(r.error).toMatchObject({ name: 'GatewayError', code: grpc.status.UNKNOWN })
    expect(String((r.error as Error).message)).toContain('does not exist')
    expect(r.outcomes).toEqual(['fatal'])
  })

  it('error: an endorsement failure is returned as is after one attempt', async () => {
    const r = await attemptsOf(() =>
      gateway.getNetwork(target.channelName).getContract('nope').submitTransaction('Init'),
    )
    expect(r.error).toMatchObject({ name: 'EndorseError', code: grpc.status.FAILED_PRECONDITION })
    expect(r.outcomes).toEqual(['fatal'])
  })

  it('error: an aborted signal cancels the call', async () => {
    const r = contract().evaluate('ReadAsset', {
      arguments: [assetId('b1')],
      signal: AbortSignal.abort(),
    })
    await expect(r).rejects.toMatchObject({ code: 'ABORTED' })
  })

  it('behavior: offline signing works through newSigned… with the application signature', async () => {
    const offline = connectFailover({
      peers: target.peers,
      identity: target.identity,
      hash: target.hash,
      channelName: target.channelName,
    })
    try {
      const net = offline.getNetwork(target.channelName)
      const unsigned = net.getContract(target.chaincodeName).newProposal('CreateAsset', {
        arguments: [assetId('off1'), 'green', '2', 'Bo', '7'],
      })
      const proposal = offline.newSignedProposal(
        unsigned.getBytes(),
        await target.signer(unsigned.getDigest()),
      )
      const endorsed = await proposal.endorse()
      const tx = offline.newSignedTransaction(
        endorsed.getBytes(),
        await target.signer(endorsed.getDigest()),
      )
      const commit = await tx.submit()
      const signedCommit = offline.newSignedCommit(
        commit.getBytes(),
        await target.signer(commit.getDigest()),
      )
      expect((await signedCommit.getStatus()).successful).toBe(true)
    } finally {
      await offline.close()
    }
  })

  it('behavior: a block stream replays from a start block, each block once', async () => {
    const stream = await gateway.getNetwork(target.channelName).getBlockEvents({ startBlock: 0n })
    const numbers: number[] = []
    for await (const block of stream) {
      numbers.push(block.getHeader()?.getNumber() ?? -1)
      if (numbers.length === 3) break
    }
    expect(numbers).toEqual([0, 1, 2])
  })

  it('behavior: a rebalance lets an in-flight call finish on the old connection, then replaces it', async () => {
    const peerIndex = target.peers.findIndex((p) => p.id === gateway.endpointSet.current()?.id)
    const before = target.faults[peerIndex]?.connections?.() ?? 0
    // The peer's answer is held back 300 ms on the client: the call is in flight meanwhile.
    const holdAnswer: Interceptor = (options, nextCall) =>
      new grpc.InterceptingCall(nextCall(options), {
        start(metadata, _listener, next) {
          next(metadata, {
            onReceiveStatus(status, nextStatus) {
              setTimeout(() => nextStatus(status), 300)
            },
          })
        },
      })
    const inFlight = contract()
      .newProposal('ReadAsset', { arguments: [assetId('b1')] })
      .evaluate({ interceptors: [holdAnswer] })
    await new Promise((resolve) => setTimeout(resolve, 100))
    gateway.rebalance({ reason: 'test' })
    const outcomes: string[] = []
    const off = gateway.endpointSet.on('attempt', (e) => outcomes.push(e.outcome))
    expect(JSON.parse(text(await inFlight)).ID).toBe(assetId('b1'))
    off()
    // Finished where it started (no failure, no second attempt); new calls use a new connection.
    expect(outcomes).toEqual(['success'])
    await contract().evaluateTransaction('ReadAsset', assetId('b1'))
    expect(target.faults[peerIndex]?.connections?.()).toBeGreaterThan(before)
  })

  it('behavior: the commit status is asked of another peer when the submitting one dies', async () => {
    const current = gateway.endpointSet.current()?.id
    const index = target.peers.findIndex((p) => p.id === current)
    const submitted = await contract().submitAsync('CreateAsset', {
      arguments: [assetId('cs1'), 'red', '1', 'Ann', '1'],
    })
    await target.faults[index]?.kill()
    try {
      expect((await submitted.getStatus()).successful).toBe(true)
    } finally {
      await target.faults[index]?.restart()
    }
  })

  it('behavior: after close() the process exits by itself (no open handle)', async () => {
    const tlsRootCert = target.peers[0]?.tlsRootCert
    if (target.external || !tlsRootCert) return
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./close-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          STEADFAST_CHILD_CONFIG: JSON.stringify({
            peers: target.peers.map((p) => ({
              address: p.address,
              serverNameOverride: p.serverNameOverride,
            })),
            tlsRootCert: Buffer.from(tlsRootCert).toString(),
            mspId: target.identity.mspId,
            certificate: Buffer.from(target.identity.credentials).toString(),
            privateKey: target.privateKeyPem,
            channelName: target.channelName,
            chaincodeName: target.chaincodeName,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    child.stdout.on('data', (d) => {
      out += String(d)
    })
    child.stderr.on('data', (d) => {
      out += String(d)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    clearTimeout(timer)
    expect(out).toContain('closed')
    expect({ code, out }).toEqual({ code: 0, out: 'closed\n' })
  })
})
