import { type EndpointSet, redactText } from '@steadfast/core'

/** The message of any thrown value, with every URL secret of the given sets scrubbed. */
export function redactMessage(error: unknown, ...sets: readonly EndpointSet[]): string {
  const raw =
    error instanceof Error
      ? ((error as Error & { shortMessage?: string }).shortMessage ?? error.message)
      : String(error)
  return redactText(
    raw,
    sets.flatMap((s) => s.endpoints.map((e) => e.url)),
  )
}
