/**
 * What a call may do when its node fails:
 * - `read`: content-addressed (or harmless) read: fails over to another node and may be hedged.
 * - `write`: content-addressed write (same input, same CID on every node): retried on another
 *   node, its input replayed from a bounded buffer (`maxReplayBytes`).
 * - `sticky`: node-local state (MFS, keys, IPNS publishing, config): always on one node, never
 *   moved silently; a typed error when that node is down.
 * - `node`: an action or a reading about one node (swarm, stats, gc, unpin, publish to a topic):
 *   moves to another node only when the request provably never left (connection refused).
 * - `subscribe`: `pubsub.subscribe`, resubscribed on another node when its node fails.
 * - `local`: answered by the client without any request.
 */
export type KuboCallKind = 'read' | 'write' | 'sticky' | 'node' | 'subscribe' | 'local'

/**
 * How a stream that broke after delivering data continues on another node:
 * - `offset`: reopen at the byte offset already delivered (`cat` supports `offset`);
 * - `skipBytes`: reopen from the start and drop the bytes already delivered (deterministic
 *   output of a content-addressed DAG: `get` tar, `dag.export` CAR);
 * - `skipItems`: reopen and drop the items already delivered (deterministic order: `ls`, `refs`,
 *   `addAll` of the same input);
 * - `dedupe`: reopen and drop items whose CID was already delivered (`pin.ls`);
 * - `none`: cannot resume (fails over only before the first item).
 */
export type ResumeMode = 'offset' | 'skipBytes' | 'skipItems' | 'dedupe' | 'none'

export interface KuboCallRule {
  readonly kind: KuboCallKind
  /** Number of positional arguments before the options object. */
  readonly args: number
  /** Set for calls returning an async iterable: how a broken stream resumes. */
  readonly stream?: ResumeMode
  /** Index of the argument holding input that must be replayed on a retry. */
  readonly input?: number
}

const read = (args: number, stream?: ResumeMode): KuboCallRule =>
  stream ? { kind: 'read', args, stream } : { kind: 'read', args }
const write = (args: number, input?: number, stream?: ResumeMode): KuboCallRule => ({
  kind: 'write',
  args,
  ...(input !== undefined ? { input } : {}),
  ...(stream ? { stream } : {}),
})
const sticky = (args: number, stream?: ResumeMode): KuboCallRule =>
  stream ? { kind: 'sticky', args, stream } : { kind: 'sticky', args }
const node = (args: number, stream?: ResumeMode): KuboCallRule =>
  stream ? { kind: 'node', args, stream } : { kind: 'node', args }

/**
 * The per-call rules of the failover client, by dotted method path. Every function of
 * kubo-rpc-client 7's `KuboRPCClient` is listed; README.md renders this table.
 */
export const KUBO_CALL_RULES: Readonly<Record<string, KuboCallRule>> = Object.freeze({
  // content-addressed reads
  cat: read(1, 'offset'),
  get: read(1, 'skipBytes'),
  ls: read(1, 'skipItems'),
  refs: read(1, 'skipItems'),
  resolve: read(1),
  id: read(0),
  version: read(0),
  commands: read(0),
  isOnline: read(0),
  'block.get': read(1),
  'block.stat': read(1),
  'dag.get': read(1),
  'dag.resolve': read(1),
  'dag.export': read(1, 'skipBytes'),
  'pin.ls': read(0, 'dedupe'),
  'name.resolve': read(1, 'none'),
  'repo.version': read(0),
  'routing.findPeer': read(1, 'none'),
  'routing.findProvs': read(1, 'none'),
  'routing.get': read(1, 'none'),
  // content-addressed, idempotent writes
  add: write(1, 0),
  addAll: write(1, 0, 'skipItems'),
  'block.put': write(1, 0),
  'dag.put': write(1, 0),
  'dag.import': write(1, 0, 'skipItems'),
  'pin.add': write(1),
  'pin.addAll': write(1, 0, 'skipItems'),
  'object.patch.addLink': write(2),
  'object.patch.rmLink': write(2),
  // node-local state: sticky
  'files.cp': sticky(2),
  'files.mkdir': sticky(1),
  'files.stat': sticky(1),
  'files.rm': sticky(1),
  'files.read': sticky(1, 'none'),
  'files.write': sticky(2),
  'files.mv': sticky(2),
  'files.flush': sticky(1),
  'files.ls': sticky(1, 'none'),
  'key.gen': sticky(1),
  'key.list': sticky(0),
  'key.rm': sticky(1),
  'key.rename': sticky(2),
  'key.import': sticky(3),
  'name.publish': sticky(1),
  'name.pubsub.cancel': sticky(1),
  'name.pubsub.state': sticky(0),
  'name.pubsub.subs': sticky(0),
  'config.get': sticky(1),
  'config.getAll': sticky(0),
  'config.set': sticky(2),
  'config.replace': sticky(1),
  'config.profiles.apply': sticky(1),
  'bootstrap.add': sticky(1),
  'bootstrap.list': sticky(0),
  'bootstrap.rm': sticky(1),
  'pin.remote.service.add': sticky(1),
  'pin.remote.service.ls': sticky(0),
  'pin.remote.service.rm': sticky(1),
  // about or acting on one node
  stop: node(0),
  ping: node(1, 'none'),
  mount: node(0),
  'bitswap.stat': node(0),
  'bitswap.wantlist': node(0),
  'bitswap.wantlistForPeer': node(1),
  'block.rm': node(1, 'none'),
  'dht.query': node(1, 'none'),
  'diag.cmds': node(0),
  'diag.net': node(0),
  'diag.sys': node(0),
  'log.level': node(2),
  'log.ls': node(0),
  'log.tail': node(0, 'none'),
  'pin.rm': node(1),
  'pin.rmAll': node(1, 'none'),
  'pin.update': node(2),
  'pin.remote.add': node(1),
  'pin.remote.ls': node(0, 'none'),
  'pin.remote.rm': node(0),
  'pin.remote.rmAll': node(0),
  'provide.stat': node(0),
  'pubsub.publish': node(2),
  'pubsub.ls': node(0),
  'pubsub.peers': node(1),
  'refs.local': node(0, 'none'),
  'repo.gc': node(0, 'none'),
  'repo.stat': node(0),
  'routing.put': node(2, 'none'),
  'routing.provide': node(1, 'none'),
  'stats.bw': node(0, 'none'),
  'stats.bitswap': node(0),
  'stats.repo': node(0),
  'swarm.addrs': node(0),
  'swarm.connect': node(1),
  'swarm.disconnect': node(1),
  'swarm.localAddrs': node(0),
  'swarm.peers': node(0),
  // pubsub subscriptions
  'pubsub.subscribe': { kind: 'subscribe', args: 2 },
  'pubsub.unsubscribe': { kind: 'subscribe', args: 2 },
  // no request at all
  getEndpointConfig: { kind: 'local', args: 0 },
})
