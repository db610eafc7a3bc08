import type { Verdict } from '../state/transition.js'
import type { ProbeResult } from '../types.js'

export interface ProbeCounters {
  verdict: Verdict
  probeOk: number
  probeFail: number
}

/**
 * Rise/fall (HAProxy style). The first result on an `unknown` endpoint decides at once so a set
 * is usable quickly; afterwards `fall` consecutive failures make it unhealthy and `rise`
 * consecutive successes make it healthy again. healthy <-> degraded follows each clean result.
 */
export function nextVerdict(
  c: ProbeCounters,
  r: Pick<ProbeResult, 'ok' | 'degraded'>,
  rise: number,
  fall: number,
): ProbeCounters {
  const probeOk = r.ok ? c.probeOk + 1 : 0
  const probeFail = r.ok ? 0 : c.probeFail + 1
  const up: Verdict = r.degraded ? 'degraded' : 'healthy'
  let verdict = c.verdict
  if (c.verdict === 'unknown') verdict = r.ok ? up : 'unhealthy'
  else if (c.verdict === 'unhealthy') verdict = probeOk >= rise ? up : 'unhealthy'
  else if (!r.ok) verdict = probeFail >= fall ? 'unhealthy' : c.verdict
  else verdict = up
  return { verdict, probeOk, probeFail }
}
