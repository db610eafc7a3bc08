/** Waits `ms`, or less if `signal` aborts first; never rejects (the loop checks the signal). */
export function pace(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    t.unref()
    signal.addEventListener('abort', done, { once: true })
  })
}
