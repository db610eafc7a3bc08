import { byPriority, type Candidate, type Picker, type Policy } from './policy.js'

interface Entry {
  c: Candidate
  deadline: number
  step: number
  seq: number
}

function less(a: Entry, b: Entry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq)
}

/** A binary min-heap on (deadline, seq). */
class EntryHeap {
  readonly items: Entry[] = []
  push(e: Entry): void {
    const h = this.items
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }
  pop(): Entry | undefined {
    const h = this.items
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last) {
      h[0] = last
      this.down(0)
    }
    return top
  }
  private down(i: number): void {
    const h = this.items
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && less(h[l]!, h[m]!)) m = l
      if (r < h.length && less(h[r]!, h[m]!)) m = r
      if (m === i) return
      ;[h[i], h[m]] = [h[m]!, h[i]!]
      i = m
    }
  }
}

function takeAccepted(heap: EntryHeap, accept: (c: Candidate) => boolean): Entry | undefined {
  const held: Entry[] = []
  let found: Entry | undefined
  for (let e = heap.pop(); e; e = heap.pop()) {
    if (accept(e.c)) {
      found = e
      break
    }
    held.push(e)
  }
  for (const e of held) heap.push(e)
  return found
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
      const heap = new EntryHeap()
      list.forEach((c, seq) => {
        const step = 1 / c.endpoint.weight
        heap.push({ c, step, deadline: step / 2, seq })
      })
      return {
        pick(accept) {
          const e = accept ? takeAccepted(heap, accept) : heap.pop()
          if (!e) return undefined
          e.deadline += e.step
          heap.push(e)
          return e.c
        },
        current: () => list[0],
      }
    },
  }
}
