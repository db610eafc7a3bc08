/** A tiny typed event emitter whose `on` returns a disposer. Listener errors never reach the emitter. */
export class Emitter<E extends object> {
  private readonly listeners = new Map<keyof E, Set<(e: never) => void>>()

  on<K extends keyof E>(event: K, listener: (e: E[K]) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    const fn = listener as (e: never) => void
    set.add(fn)
    return () => {
      set.delete(fn)
    }
  }

  /** True when someone listens (lets hot paths skip building the event object). */
  has(event: keyof E): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const fn of [...set]) {
      try {
        ;(fn as (e: E[K]) => void)(payload)
      } catch {
        // A faulty listener (metrics, logging) must not break failover.
      }
    }
  }

  clear(): void {
    this.listeners.clear()
  }
}
