import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Runs in a child process, which must exit by itself after close(): a timer, server, socket or
// stream left open would keep it alive.
const CHILD = `
import { createPrivateKey } from 'node:crypto'
import { connect, hash, signers } from '@hyperledger/fabric-gateway'
const { fabricGrpcClient, startFabricNetwork } = await import('./src/fabric/index.ts')
const network = await startFabricNetwork({ peers: 2 })
const [peer0, peer1] = network.peers
const gateway = connect({
  client: fabricGrpcClient(network, peer0),
  identity: { mspId: network.mspId, credentials: network.client.certificate },
  signer: signers.newPrivateKeySigner(createPrivateKey(network.client.privateKey)),
  hash: hash.sha256,
})
const channel = gateway.getNetwork(network.channelName)
const events = await channel.getChaincodeEvents(network.chaincodeName, { startBlock: 0n })
const blocks = await channel.getBlockEvents({ startBlock: 0n })
await channel.getContract(network.chaincodeName).submitTransaction('CreateAsset', 'x1', 'b', '1', 'A', '1')
for await (const event of events) break
for await (const block of blocks) break
await peer1.kill()
await peer1.restart()
await peer1.pause()
peer1.setLag(true)
gateway.close()
await network.close()
process.stdout.write('closed\\n')
`

describe('fabric test peers: handles', () => {
  it('behavior: a process using a network exits by itself after close()', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    // Only a guard against a leak hanging the suite: the child normally exits in about a second.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    clearTimeout(guard)
    expect(output).toContain('closed')
    expect(code).toBe(0)
  })
})
