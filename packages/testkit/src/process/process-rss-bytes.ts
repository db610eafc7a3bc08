import { readFileSync } from 'node:fs'

/**
 * Resident memory of a process in bytes (Linux `/proc/<pid>/status` VmRSS), or undefined when
 * the process is gone or the platform has no procfs.
 */
export function processRssBytes(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}
