/** Recent successful call latencies of a set, for the adaptive hedge delay (p90). */
export class LatencyWindow {
  private readonly samples: number[] = []
  private next = 0
  private cached: number | undefined
  private dirty = 0

  constructor(private readonly size = 256) {}

  add(ms: number): void {
    if (this.samples.length < this.size) this.samples.push(ms)
    else this.samples[this.next] = ms
    this.next = (this.next + 1) % this.size
    this.dirty++
  }

  /** The 90th percentile of the window, or undefined with fewer than `min` samples. */
  p90(min = 10): number | undefined {
    if (this.samples.length < min) return undefined
    // Re-sorting 256 numbers is cheap, but not on every call: refresh every 16 samples.
    if (this.cached === undefined || this.dirty >= 16) {
      const sorted = [...this.samples].sort((a, b) => a - b)
      this.cached = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]
      this.dirty = 0
    }
    return this.cached
  }
}
