/**
 * Counts the app's calls: every call the demo makes through a Steadfast client goes through
 * `track`, so "failed calls" in the summary is a count of what the app saw, not of what the SDK
 * says about itself.
 */
export class CallTally {
  ok = 0
  failed = 0
  /** First few failure messages, for the summary notes. */
  readonly errors: string[] = []

  /**
   * Runs `fn`, counts its outcome, and returns its value or `undefined` when it failed. With
   * `timeoutMs`, a call that has not settled by then counts as failed (the demo's checks must
   * end even if a client never answers).
   */
  async track<T>(label: string, fn: () => Promise<T>, timeoutMs?: number): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined
    try {
      const call = fn()
      const v =
        timeoutMs === undefined
          ? await call
          : await Promise.race([
              call,
              new Promise<never>((_, reject) => {
                timer = setTimeout(
                  () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
                  timeoutMs,
                )
                timer.unref()
              }),
            ])
      this.ok++
      return v
    } catch (e) {
      this.failed++
      if (this.errors.length < 5) this.errors.push(`${label}: ${describe(e)}`)
      return undefined
    } finally {
      clearTimeout(timer)
    }
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    return `${typeof code === 'string' ? `${code} ` : ''}${e.message.split('\n')[0]?.slice(0, 200)}`
  }
  return String(e)
}
