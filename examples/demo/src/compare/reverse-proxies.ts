import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A reverse proxy process in front of the replicas, as operators deploy it. */
export interface RunningProxy {
  name: string
  url: string
  close(): Promise<void>
}

/** Timeouts given to every front, so the comparison is about behaviour, not about defaults. */
export const frontTimeoutMs = 2500

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).then(
      () => true,
      () => false,
    )
    if (ok) return
    if (Date.now() > until) throw new Error(`port ${port} did not open`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function runConfig(
  name: string,
  command: string,
  args: (configFile: string) => string[],
  config: string,
  port: number,
): Promise<RunningProxy> {
  const dir = await mkdtemp(join(tmpdir(), `steadfast-${name}-`))
  const file = join(dir, `${name}.conf`)
  await writeFile(file, config.replaceAll('$DIR', dir))
  const child = spawn(command, args(file), { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr += d
  })
  try {
    await waitForPort(port)
  } catch (e) {
    child.kill('SIGKILL')
    throw new Error(`${name} did not start: ${stderr || (e as Error).message}`)
  }
  return {
    name,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * nginx as the GoQuorum HA guides set it up: an upstream of the replicas, HTTP/1.1 keep-alive
 * (ganache hangs on HTTP/1.0), passive health (max_fails=1 fail_timeout=10s), next upstream on
 * error and timeout, including POST (`non_idempotent`, which JSON-RPC needs to retry at all).
 */
export async function startNginx(upstreams: readonly string[]): Promise<RunningProxy> {
  const port = await freePort()
  const t = `${frontTimeoutMs}ms`
  const servers = upstreams.map((u) => `server ${new URL(u).host} max_fails=1 fail_timeout=10s;`)
  const config = `daemon off; master_process off; worker_processes 1; pid $DIR/nginx.pid;
error_log $DIR/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DIR; proxy_temp_path $DIR;
  upstream replicas { ${servers.join(' ')} keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout ${t}; proxy_send_timeout ${t}; proxy_read_timeout ${t};
      proxy_next_upstream error timeout http_500 http_502 http_503 http_504 non_idempotent;
      proxy_next_upstream_tries 3;
    }
  }
}
`
  return runConfig('nginx', 'nginx', (f) => ['-c', f, '-p', tmpdir()], config, port)
}

/**
 * HAProxy with an active JSON-RPC health check (POST eth_blockNumber every second, 3 fails down,
 * 2 passes up), round robin, and retries with redispatch on connection failure and response
 * timeout.
 */
export async function startHaproxy(upstreams: readonly string[]): Promise<RunningProxy> {
  const port = await freePort()
  const body = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'
  const servers = upstreams.map(
    (u, i) => `  server r${i} ${new URL(u).host} check inter 1s fall 3 rise 2`,
  )
  const config = `global
  maxconn 1024
defaults
  mode http
  timeout connect ${frontTimeoutMs}ms
  timeout client 60s
  timeout server ${frontTimeoutMs}ms
  retries 3
  option redispatch
  retry-on conn-failure empty-response response-timeout 500 502 503 504
frontend rpc
  bind 127.0.0.1:${port}
  default_backend replicas
backend replicas
  balance roundrobin
  option http-buffer-request
  option httpchk
  http-check send meth POST uri / ver HTTP/1.1 hdr Host localhost hdr Content-Type application/json body '${body}'
  http-check expect status 200
${servers.join('\n')}
`
  return runConfig('haproxy', 'haproxy', (f) => ['-f', f, '-db'], config, port)
}
