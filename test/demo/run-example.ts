import { execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Builds a TypeScript project and everything it references (`tsc -b`), so the child process
 * below imports the workspace packages from their dist/, as `pnpm demo` does.
 */
export function build(project: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('pnpm', ['exec', 'tsc', '-b', project], { cwd: repoRoot }, (err, stdout, stderr) =>
      err ? reject(new Error(`tsc -b ${project} failed:\n${stdout}${stderr}`)) : resolve(),
    )
  })
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs a TypeScript entry with tsx as a child process (its own process group, killed whole if
 * the test times out) and collects its output.
 */
export function runTs(
  entry: string,
  args: readonly string[],
  timeoutMs: number,
  /** Extra environment variables for the child. */
  env: Record<string, string> = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['exec', 'tsx', entry, ...args], {
      cwd: repoRoot,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d
    })
    const timer = setTimeout(() => {
      // SIGTERM first: the demo and the testkit stop their replica processes (which run in
      // process groups of their own, out of reach of a group kill) before exiting.
      if (child.pid) process.kill(-child.pid, 'SIGTERM')
      setTimeout(() => {
        if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
      }, 15_000).unref()
      reject(new Error(`${entry} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
