import { readFileSync } from 'node:fs'
import { parseAlertmanagerPayload } from '@steadfast/monitor'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, type MonitorFixture, startMonitorFixture } from './support/monitor-fixture.js'
import { parsePromText } from './support/prom-text.js'
import { parseYaml } from './support/yaml.js'

const read = (name: string) =>
  readFileSync(new URL(`../../examples/alertmanager/${name}`, import.meta.url), 'utf8')

interface Rule {
  alert: string
  expr: string
  labels?: Record<string, string>
}

let f: MonitorFixture
beforeAll(async () => {
  f = await startMonitorFixture()
})
afterAll(async () => {
  await f?.close()
})

describe('examples/alertmanager stays true to the monitor', () => {
  it('behavior: the rules use only metrics the monitor exports, and only actions it knows', async () => {
    const rules = (
      parseYaml(read('prometheus-rules.yml')) as { groups: { rules: Rule[] }[] }
    ).groups.flatMap((g) => g.rules)
    expect(rules.length).toBeGreaterThanOrEqual(4)
    const exported = new Set(parsePromText((await call(f.monitor, '/metrics')).text).types.keys())
    for (const rule of rules) {
      for (const [name] of rule.expr.matchAll(/steadfast_\w+/g)) {
        expect(
          exported.has(name.replace(/_(bucket|sum|count)$/, '')),
          `${rule.alert}: ${name}`,
        ).toBe(true)
      }
      const action = rule.labels?.steadfast_action
      if (action !== undefined) expect(['cordon', 'rebalance', 'none']).toContain(action)
    }
  })

  it('behavior: Alertmanager posts to /alertmanager with a bearer token and resolved notifications', () => {
    const config = parseYaml(read('alertmanager.yml')) as {
      receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[]
    }
    const hook = config.receivers.find((r) => r.name === 'steadfast')?.webhook_configs?.[0]
    expect(new URL(String(hook?.url)).pathname).toBe('/alertmanager')
    expect(hook?.send_resolved).toBe(true)
    expect(hook?.http_config).toMatchObject({ authorization: { type: 'Bearer' } })
    expect(Number(hook?.max_alerts)).toBeLessThanOrEqual(1000)
  })

  it('behavior: the sample payloads are valid version-4 webhooks, firing then resolved', () => {
    const firing = parseAlertmanagerPayload(JSON.parse(read('firing.json')))
    const resolved = parseAlertmanagerPayload(JSON.parse(read('resolved.json')))
    expect(firing.alerts.map((a) => a.status)).toEqual(['firing'])
    expect(resolved.alerts.map((a) => a.status)).toEqual(['resolved'])
    expect(resolved.alerts[0]?.fingerprint).toBe(firing.alerts[0]?.fingerprint)
  })
})
