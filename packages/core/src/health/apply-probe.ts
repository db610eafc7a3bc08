import type { ResolvedOptions } from '../config/resolve-options.js'
import { errorMessage } from '../errors/steadfast-error.js'
import type { Emitter } from '../events/emitter.js'
import { redactText } from '../redact/redact-text.js'
import type { Pool } from '../state/pool.js'
import type { SetEvents } from '../types.js'
import { nextVerdict } from './active-health.js'
import type { Member } from './member.js'
import type { ProbeOutcome } from './probe-loop.js'

function reasonOf(m: Member, ok: boolean, detail: string | undefined): string {
  const suffix = detail ? `: ${detail}` : ''
  return ok
    ? `probe ok (${m.probeOk} in a row)${suffix}`
    : `probe failed (${m.probeFail} in a row)${suffix}`
}

/** Applies one probe outcome: event, height, latency, quarantine, rise/fall verdict, state. */
export function applyProbe(
  pool: Pool,
  emitter: Emitter<SetEvents>,
  opts: ResolvedOptions,
  m: Member,
  outcome: ProbeOutcome,
): void {
  const e = m.endpoint
  const result = 'result' in outcome ? outcome.result : undefined
  const ok = result?.ok === true
  const latencyMs = result?.latencyMs ?? outcome.latencyMs
  const raw = 'error' in outcome ? errorMessage(outcome.error) : ok ? undefined : result?.details
  const detail = raw === undefined ? undefined : redactText(raw, [e.url])
  const height = result?.height
  emitter.emit('probe', {
    set: opts.name,
    endpoint: e.id,
    ok,
    latencyMs,
    height,
    ...(ok || detail === undefined ? {} : { error: detail }),
  })
  if (!ok) m.lastError = detail ?? 'probe failed'
  if (result?.quarantine) {
    m.quarantined = true
    m.ejected = false
    pool.update(m, `quarantined by probe${detail ? `: ${detail}` : ''}`)
    return
  }
  if (height !== undefined && Number.isFinite(height)) pool.noteHeight(m, height)
  if (ok) m.observeLatency(latencyMs, opts.now())
  if (ok && m.quarantined) {
    // A clean probe is the only way out of quarantine; it decides the verdict at once.
    m.quarantined = false
    m.probeOk = 1
    m.probeFail = 0
    m.verdict = result?.degraded ? 'degraded' : 'healthy'
    pool.update(m, 'quarantine cleared by a clean probe')
    return
  }
  const next = nextVerdict(
    m,
    { ok, degraded: result?.degraded === true },
    opts.health.rise,
    opts.health.fall,
  )
  m.verdict = next.verdict
  m.probeOk = next.probeOk
  m.probeFail = next.probeFail
  pool.update(m, reasonOf(m, ok, ok ? result?.details : detail))
}
