import { TestkitError } from '../process/testkit-error.js'
import { type FaultMode, validateFaultMode } from './fault-mode.js'

/** A parsed control line: switch the mode, or a CLI command. */
export type FaultCommand =
  | { kind: 'mode'; mode: FaultMode; resetOpen: boolean }
  | { kind: 'stats' | 'help' | 'quit' }

/** The control language of the fault proxy CLI, one command per line. */
export const FAULT_COMMAND_HELP = `commands (append --keep to leave open connections alone):
  pass | down | reset | hang
  slow <delayMs> [bytesPerSecond]
  cut <afterBytes>
  http <status> [body...]        e.g. http 429 {"error":"busy"}  (429 adds Retry-After: 1)
  stats | help | quit`

const number = (word: string | undefined, name: string) => {
  const n = Number(word)
  if (word === undefined || !Number.isFinite(n))
    throw new TestkitError('INVALID_FAULT_MODE', `${name} must be a number, got '${word ?? ''}'`)
  return n
}

/** Parses one control line, e.g. `slow 200 10000` or `http 500 oops --keep`. */
export function parseFaultCommand(line: string): FaultCommand {
  const words = line.trim().split(/\s+/).filter(Boolean)
  const keep = words.includes('--keep')
  const [verb, ...args] = words.filter((w) => w !== '--keep')
  let mode: FaultMode
  switch (verb) {
    case 'stats':
    case 'help':
    case 'quit':
      return { kind: verb }
    case 'pass':
    case 'down':
    case 'reset':
    case 'hang':
      mode = { kind: verb }
      break
    case 'slow': {
      const delayMs = number(args[0], 'delayMs')
      mode =
        args[1] === undefined
          ? { kind: 'slow', delayMs }
          : { kind: 'slow', delayMs, bytesPerSecond: number(args[1], 'bytesPerSecond') }
      break
    }
    case 'cut':
      mode = { kind: 'cut', afterBytes: number(args[0], 'afterBytes') }
      break
    case 'http': {
      const status = number(args[0], 'status')
      const body = args.slice(1).join(' ')
      mode = {
        kind: 'http',
        status,
        ...(body ? { body } : {}),
        ...(status === 429 ? { headers: { 'Retry-After': '1' } } : {}),
      }
      break
    }
    default:
      throw new TestkitError('INVALID_FAULT_MODE', `unknown command '${verb ?? ''}'`)
  }
  validateFaultMode(mode)
  return { kind: 'mode', mode, resetOpen: !keep }
}
