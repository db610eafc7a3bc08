import { byPriority, type Picker, type Policy } from './policy.js'

/**
 * Earliest-deadline-first schedule over candidate indexes, in typed arrays (no allocation per
 * pick). Each candidate's deadline advances by 1/weight when it is picked.
 */
class EdfSchedule {
  private readonly heap: Int32Array
  private readonly deadline: Float64Array
  private readonly step: Float64Array

  constructor(weights: readonly number[]) {
    const n = weights.length
    this.heap = new Int32Array(n)
    this.deadline = new Float64Array(n)
    this.step = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      this.step[i] = 1 / weights[i]!
      // Start half a step in, so 5:1:1 interleaves (a a a b c a a) instead of bunching up.
      this.deadline[i] = this.step[i]! / 2
      this.heap[i] = i
    }
    for (let p = (n >> 1) - 1; p >= 0; p--) this.down(p)
  }

  private less(a: number, b: number): boolean {
    const da = this.deadline[a]!
    const db = this.deadline[b]!
    return da < db || (da === db && a < b)
  }

  private down(pos: number): void {
    const h = this.heap
    const n = h.length
    const item = h[pos]!
    for (;;) {
      const l = 2 * pos + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l
      if (!this.less(h[c]!, item)) break
      h[pos] = h[c]!
      pos = c
    }
    h[pos] = item
  }

  /** Takes the candidate at heap position `pos`: advance its deadline (it only grows: sift down). */
  take(pos: number): number {
    const i = this.heap[pos]!
    this.deadline[i]! += this.step[i]!
    this.down(pos)
    return i
  }

  /** Heap position of the earliest accepted candidate, visiting the heap in deadline order. */
  find(ok: (i: number) => boolean): number {
    const h = this.heap
    const frontier = h.length > 0 ? [0] : []
    for (let visits = 0; frontier.length > 0; visits++) {
      if (visits > 64) return this.scan(ok) // many rejected: one linear pass instead
      let m = 0
      for (let k = 1; k < frontier.length; k++)
        if (this.less(h[frontier[k]!]!, h[frontier[m]!]!)) m = k
      const pos = frontier[m]!
      frontier[m] = frontier[frontier.length - 1]!
      frontier.pop()
      if (ok(h[pos]!)) return pos
      if (2 * pos + 1 < h.length) frontier.push(2 * pos + 1)
      if (2 * pos + 2 < h.length) frontier.push(2 * pos + 2)
    }
    return -1
  }

  private scan(ok: (i: number) => boolean): number {
    let best = -1
    for (let pos = 0; pos < this.heap.length; pos++) {
      const i = this.heap[pos]!
      if (ok(i) && (best < 0 || this.less(i, this.heap[best]!))) best = pos
    }
    return best
  }
}

/**
 * Smooth weighted round robin: each endpoint receives `weight / Σweights` of the calls, spread
 * evenly (5:1:1 gives a a a b c a a, like nginx). Scheduled earliest-deadline-first on a heap, so
 * a pick costs O(log n) instead of nginx's O(n) scan.
 */
export function weightedPolicy(): Policy {
  return {
    name: 'weighted',
    build(candidates): Picker {
      const list = [...candidates].sort(byPriority)
      const edf = new EdfSchedule(list.map((c) => c.endpoint.weight))
      return {
        pick(accept) {
          if (list.length === 0) return undefined
          if (!accept) return list[edf.take(0)]
          const pos = edf.find((i) => accept(list[i]!))
          return pos < 0 ? undefined : list[edf.take(pos)]
        },
        current: () => list[0],
      }
    },
  }
}
