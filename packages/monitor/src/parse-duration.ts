const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

/** Longest TTL accepted anywhere (30 days, in ms): a typo must not cordon a node for years. */
export const MAX_TTL_MS = 30 * 86_400_000

/**
 * Parses a duration such as `250ms`, `60s`, `5m`, `1h30m` or `2d` (a bare number is milliseconds)
 * into milliseconds. Returns `undefined` for anything else, including zero, negatives and values
 * above {@link MAX_TTL_MS}.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase()
  if (/^\d+$/.test(s)) return bounded(Number(s))
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(s)) return undefined
  let total = 0
  for (const [, num, , unit] of s.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(num) * (UNITS[unit ?? ''] ?? Number.NaN)
  }
  return bounded(Math.round(total))
}

function bounded(ms: number): number | undefined {
  return Number.isSafeInteger(ms) && ms > 0 && ms <= MAX_TTL_MS ? ms : undefined
}
