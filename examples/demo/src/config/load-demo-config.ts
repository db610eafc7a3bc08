import { readFile } from 'node:fs/promises'
import { dirname, extname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { DemoConfigError } from '../demo-error.js'
import type { DemoConfig } from './demo-config.js'
import { validateDemoConfig } from './validate-demo-config.js'

/**
 * Reads steadfast.config.json / .yaml / .yml, substitutes `${VAR}` from `env` (so secrets stay
 * out of the file), and validates it. Every problem is a `DemoConfigError` naming the file and field.
 */
export async function loadDemoConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DemoConfig> {
  const file = resolve(path)
  const ext = extname(file).toLowerCase()
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new DemoConfigError('(file)', 'must end in .json, .yaml or .yml', file)
  }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new DemoConfigError(
      '(file)',
      `cannot be read (${(e as NodeJS.ErrnoException).code})`,
      file,
    )
  }
  let raw: unknown
  try {
    raw = ext === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (e) {
    throw new DemoConfigError(
      '(file)',
      `is not valid ${ext.slice(1).toUpperCase()}: ${(e as Error).message}`,
      file,
    )
  }
  try {
    return validateDemoConfig(substituteEnv(raw, env, ''), dirname(file))
  } catch (e) {
    if (e instanceof DemoConfigError && e.file === undefined) {
      throw new DemoConfigError(e.field, e.problem, file)
    }
    throw e
  }
}

/** Replaces `${NAME}` in every string value; an unset variable is an error naming the field. */
function substituteEnv(raw: unknown, env: NodeJS.ProcessEnv, field: string): unknown {
  if (typeof raw === 'string') {
    return raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name]
      if (v === undefined)
        throw new DemoConfigError(field || '(root)', `environment variable ${name} is not set`)
      return v
    })
  }
  if (Array.isArray(raw)) return raw.map((v, i) => substituteEnv(v, env, `${field}[${i}]`))
  if (typeof raw === 'object' && raw !== null) {
    return Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, substituteEnv(v, env, field ? `${field}.${k}` : k)]),
    )
  }
  return raw
}
