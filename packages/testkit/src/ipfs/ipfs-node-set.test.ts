import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { create, type KuboRPCClient } from 'kubo-rpc-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type IpfsNodeSet, startIpfsNodeSet } from './index.js'

async function readAll(source: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of source) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString()
}

/** Resolves 'refused' when nothing listens on the port, 'open' when something accepts. */
function probePort(port: number): Promise<'refused' | 'open'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve('open')
    })
    socket.once('error', () => resolve('refused'))
  })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function isPinned(client: KuboRPCClient, cid: string): Promise<boolean> {
  try {
    for await (const pin of client.pin.ls({ paths: [cid] }))
      if (pin.cid.toString() === cid) return true
    return false
  } catch {
    return false
  }
}

describe('IPFS node set', () => {
  let set: IpfsNodeSet
  let clients: KuboRPCClient[]

  beforeAll(async () => {
    set = await startIpfsNodeSet({ nodes: 3 })
    clients = set.urls.map((url) => create({ url }))
  })
  afterAll(async () => {
    await set?.close()
  })

  it('behavior: kubo-rpc-client adds, cats and pins on every node through its proxy', async () => {
    for (const [i, client] of clients.entries()) {
      const { cid } = await client.add(`hello from node ${i}`)
      expect(await readAll(client.cat(cid))).toBe(`hello from node ${i}`)
      await client.pin.add(cid)
      expect(await isPinned(client, cid.toString())).toBe(true)
    }
    expect(set.nodes.every((n) => n.proxy.stats().connections > 0)).toBe(true)
  })

  it('behavior: replicated content is readable and pinned on every node', async () => {
    const content = Buffer.alloc(600_000, 'steadfast ')
    const { cid } = await set.addReplicated(content)
    for (const client of clients) {
      expect(await readAll(client.cat(cid))).toBe(content.toString())
      expect(await isPinned(client, cid)).toBe(true)
    }
  })

  it('behavior: a replication factor of 2 places the content on two nodes only', async () => {
    const { cid } = await set.addReplicated('only twice', { replicationFactor: 2, source: 1 })
    const pinned = await Promise.all(clients.map((c) => isPinned(c, cid)))
    expect(pinned).toEqual([false, true, true])
  })

  it('behavior: a killed node refuses connections and a restart keeps its repo content', async () => {
    const node = set.nodes[2]!
    const { cid } = await set.addReplicated('survives a SIGKILL')
    const directPort = Number(new URL(node.directUrl).port)
    const pid = node.pid!
    await node.kill()
    expect(node.pid).toBeUndefined()
    expect(isAlive(pid)).toBe(false)
    expect(await probePort(directPort)).toBe('refused')
    expect(await probePort(node.proxy.port)).toBe('refused')
    await expect(clients[2]!.version()).rejects.toThrow()

    await node.restart()
    expect(node.pid).not.toBe(pid)
    expect(await readAll(clients[2]!.cat(cid))).toBe('survives a SIGKILL')
  })

  it('behavior: a paused node never answers until it is resumed', async () => {
    const node = set.nodes[1]!
    node.pause()
    const pending = clients[1]!.version()
    const raced = await Promise.race([
      pending.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('silent'), 1500).unref()),
    ])
    expect(raced).toBe('silent')
    node.resume()
    expect((await pending).version).toBeTypeOf('string')
  })

  it('behavior: close leaves no process, no listener and no repo', async () => {
    const small = await startIpfsNodeSet({ nodes: 1 })
    const node = small.nodes[0]!
    const pid = node.pid!
    expect(existsSync(small.dir)).toBe(true)
    const ports = [Number(new URL(node.directUrl).port), node.proxy.port]
    expect(isAlive(pid)).toBe(true)
    await small.close()
    expect(isAlive(pid)).toBe(false)
    for (const port of ports) expect(await probePort(port)).toBe('refused')
    expect(existsSync(small.dir)).toBe(false)
  })
})
