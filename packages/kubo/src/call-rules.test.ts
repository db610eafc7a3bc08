import { create } from 'kubo-rpc-client'
import { describe, expect, it } from 'vitest'
import { KUBO_CALL_RULES } from './call-rules.js'
import * as api from './index.js'

/** Dotted paths of every function reachable on a real kubo-rpc-client (no request is made). */
function functionPaths(obj: unknown, prefix = '', seen = new Set<unknown>()): string[] {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || seen.has(obj))
    return []
  seen.add(obj)
  const out: string[] = []
  for (const key of Object.keys(obj)) {
    if (['bases', 'codecs', 'hashers'].includes(key) && prefix === '') continue
    const value = (obj as Record<string, unknown>)[key]
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (typeof value === 'function') out.push(path)
    out.push(...functionPaths(value, path, seen))
  }
  return out
}

describe('KUBO_CALL_RULES', () => {
  it('behavior: every function of kubo-rpc-client has a rule', () => {
    const paths = functionPaths(create({ url: 'http://127.0.0.1:1' }))
    expect(paths.length).toBeGreaterThan(80)
    expect(paths.filter((p) => !(p in KUBO_CALL_RULES))).toEqual([])
  })

  it('behavior: content-addressed reads fail over, MFS and keys are sticky, adds are writes', () => {
    expect(KUBO_CALL_RULES.cat).toMatchObject({ kind: 'read', stream: 'offset' })
    expect(KUBO_CALL_RULES['files.write']?.kind).toBe('sticky')
    expect(KUBO_CALL_RULES['key.gen']?.kind).toBe('sticky')
    expect(KUBO_CALL_RULES.add).toMatchObject({ kind: 'write', input: 0 })
  })

  it('behavior: the public surface is explicit', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "ClusterApiError",
        "ContentMismatchError",
        "InputNotReplayableError",
        "KUBO_CALL_RULES",
        "StickyEndpointUnavailableError",
        "StreamInterruptedError",
        "clusterShouldFailover",
        "createClusterClient",
        "createFailoverKubo",
        "kuboProbe",
        "kuboShouldFailover",
      ]
    `)
  })
})
