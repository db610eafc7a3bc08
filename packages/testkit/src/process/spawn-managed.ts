import { type ChildProcess, spawn } from 'node:child_process'
import { TestkitError } from './testkit-error.js'

export interface SpawnManagedOptions {
  /** Working directory. @default process.cwd() */
  cwd?: string
  /** Environment. @default process.env */
  env?: NodeJS.ProcessEnv
  /** Bytes of the latest stdout+stderr kept for `output()` and error messages. @default 65_536 */
  keepOutputBytes?: number
  /** Called with every stdout/stderr chunk (for a CLI that wants to echo the child). */
  onOutput?: (chunk: string) => void
}

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A child process in its own process group, killed on `close()` and when this process exits. */
export interface ManagedProcess extends AsyncDisposable {
  readonly pid: number | undefined
  readonly child: ChildProcess
  /** Set once the process has exited. */
  readonly exit: ExitInfo | undefined
  /** Sends `signal` (default `SIGKILL`) to the whole process group. No-op once exited. */
  kill(signal?: NodeJS.Signals): void
  /** SIGSTOP to the group: the process keeps its sockets but runs nothing. */
  pause(): void
  /** SIGCONT to the group. */
  resume(): void
  /** Resolves when the process has exited (at once if it already has). */
  waitForExit(opts?: { signal?: AbortSignal }): Promise<ExitInfo>
  /** Resolves when the output so far matches `pattern`; rejects if the process exits first. */
  waitForOutput(pattern: RegExp, opts?: { signal?: AbortSignal }): Promise<void>
  /** The latest stdout+stderr text. */
  output(): string
  /** SIGKILL to the group (after SIGCONT, so a paused process dies too), then wait for exit. */
  close(): Promise<void>
}

const live = new Set<ManagedProcess>()
let hooked = false

function killAllNow() {
  for (const p of live) p.kill('SIGKILL')
}

function onSignal(signal: NodeJS.Signals) {
  killAllNow()
  // Re-raise with the default behaviour when nobody else handles the signal.
  process.removeListener(signal, onSignal)
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

function hookParentExit() {
  if (hooked) return
  hooked = true
  process.on('exit', killAllNow)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch (err) {
    // ESRCH: the group is gone already.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
}

/**
 * Spawns `cmd args` detached in its own process group (so grandchildren die with it), with
 * stdout and stderr captured. The process group is killed on `close()`, on this process's
 * `exit`, and on SIGINT/SIGTERM.
 */
export function spawnManaged(
  cmd: string,
  args: readonly string[],
  opts: SpawnManagedOptions = {},
): ManagedProcess {
  hookParentExit()
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = opts.keepOutputBytes ?? 65_536
  let text = ''
  let exit: ExitInfo | undefined
  let spawnError: Error | undefined
  const watchers = new Set<() => void>()
  const notify = () => {
    for (const w of watchers) w()
  }
  const onData = (chunk: Buffer) => {
    const s = chunk.toString('utf8')
    text = (text + s).slice(-keep)
    opts.onOutput?.(s)
    notify()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (err) => {
      spawnError = err
      exit = { code: null, signal: null }
      live.delete(managed)
      resolve(exit)
      notify()
    })
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      live.delete(managed)
      resolve(exit)
      notify()
    })
  })
  const pid = child.pid
  const whenAborted = (signal: AbortSignal | undefined) =>
    new Promise<never>((_, reject) => {
      if (signal === undefined) return
      if (signal.aborted) reject(signal.reason)
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
  const managed: ManagedProcess = {
    pid,
    child,
    get exit() {
      return exit
    },
    kill(signal = 'SIGKILL') {
      if (exit === undefined) signalGroup(pid, signal)
    },
    pause() {
      if (exit === undefined) signalGroup(pid, 'SIGSTOP')
    },
    resume() {
      if (exit === undefined) signalGroup(pid, 'SIGCONT')
    },
    waitForExit(o) {
      return Promise.race([exited, whenAborted(o?.signal)])
    },
    waitForOutput(pattern, o) {
      let watcher: () => void = () => undefined
      const matched = new Promise<void>((resolve, reject) => {
        watcher = () => {
          if (pattern.test(text)) resolve()
          else if (exit !== undefined)
            reject(
              new TestkitError(
                'PROCESS_EXITED',
                `${cmd} exited (${spawnError?.message ?? exit.signal ?? exit.code}) before printing ${pattern}: ${text.slice(-2000)}`,
                { cause: spawnError },
              ),
            )
        }
        watchers.add(watcher)
        watcher()
      })
      return Promise.race([matched, whenAborted(o?.signal)]).finally(() => watchers.delete(watcher))
    },
    output: () => text,
    async close() {
      if (exit === undefined) {
        signalGroup(pid, 'SIGKILL')
        signalGroup(pid, 'SIGCONT')
      }
      await exited
    },
    [Symbol.asyncDispose]() {
      return managed.close()
    },
  }
  if (pid !== undefined) live.add(managed)
  return managed
}
