/**
 * The app as it runs inside the cluster (manifests/app.yaml): IPFS nodes from the headless
 * Service, @steadfast/monitor on :9465 for probes, metrics and rebalance triggers, and a small
 * archive loop. Not run by `start` (that is main.ts, the local rehearsal of the same flow).
 */
import { startMonitor } from '@steadfast/monitor'
import { connectClusterIpfs } from './cluster-ipfs.js'

const ipfs = await connectClusterIpfs({
  service: process.env.IPFS_SERVICE ?? 'ipfs.steadfast.svc.cluster.local',
  port: Number(process.env.IPFS_PORT ?? 5001),
})
const monitor = await startMonitor({
  sets: [ipfs.failover.set],
  host: process.env.MONITOR_HOST ?? '127.0.0.1',
  port: 9465,
  ...(process.env.STEADFAST_TOKEN ? { token: process.env.STEADFAST_TOKEN } : {}),
})
console.log(
  `monitor on ${monitor.url}; nodes: ${ipfs.failover.set.endpoints.map((e) => e.id).join(', ')}`,
)

const timer = setInterval(async () => {
  try {
    const { cid } = await ipfs.add(`heartbeat ${new Date().toISOString()}`, { pin: true })
    console.log(`stored ${cid}`)
  } catch (e) {
    console.error('store failed:', (e as Error).message)
  }
}, 10_000)

process.once('SIGTERM', async () => {
  clearInterval(timer)
  await monitor.close()
  await ipfs.failover.close()
  await ipfs.failover.set.close()
})
