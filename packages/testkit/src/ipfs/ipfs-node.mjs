// One offline js-ipfs node serving the Kubo RPC API, run as a child process by the IPFS node set
// so that SIGKILL / SIGSTOP hit a real process. Plain ESM, runnable by `node` without a loader.
//
// Usage: node ipfs-node.mjs <repoDir> <apiPort (0 = any)>
// Prints one JSON line on stdout once the API listens: {"ready":true,"port":N,"pid":N}

// it-queue (used by ipfs-core) calls Promise.withResolvers, which Node 20 lacks: polyfill it
// BEFORE the dynamic imports below evaluate those modules.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve
    let reject
    const promise = new this((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

const [repo, portArg] = process.argv.slice(2)
if (!repo) {
  process.stderr.write('usage: ipfs-node.mjs <repoDir> <apiPort>\n')
  process.exit(2)
}
const apiAddr = `/ip4/127.0.0.1/tcp/${Number(portArg ?? 0)}`

// No orphans even if the parent is SIGKILLed: exit once we are re-parented.
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(0)
}, 500).unref()

const { create } = await import('ipfs-core')
const { HttpApi } = await import('ipfs-http-server')

const config = {
  Addresses: { Swarm: [], API: apiAddr, Gateway: '', Delegates: [] },
  Bootstrap: [],
  Discovery: { MDNS: { Enabled: false }, webRTCStar: { Enabled: false } },
}

const ipfs = await create({
  repo,
  offline: true,
  start: true,
  silent: true,
  preload: { enabled: false },
  config,
})
// On a restart the repo already holds a config: make sure the API binds where we were told.
await ipfs.config.set('Addresses.API', apiAddr)

const api = new HttpApi(ipfs)
await api.start()
const port = api._apiServers[0]?.info.port

async function shutdown() {
  try {
    await api.stop()
    await ipfs.stop()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)

process.stdout.write(`${JSON.stringify({ ready: true, port, pid: process.pid })}\n`)
