/**
 * Exponential backoff with full jitter (cockatiel/AWS style): the n-th pause (n from 0) is
 * uniform in [0, min(maxMs, baseMs × 2^n)]. Used between full rounds over the set.
 */
export function backoffDelay(
  round: number,
  opts: { baseMs: number; maxMs: number },
  random: () => number,
): number {
  const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(round, 30))
  return Math.floor(random() * cap)
}
