import { SteadfastError } from '@steadfast/core'

/**
 * A node-local call (MFS `files.*`, `key.*`, `name.publish`, `config.*`) could not reach its
 * sticky node. It is never moved to another node silently: MFS trees, keys and config differ per
 * node. Move it explicitly with `setStickyEndpoint(id)` if that is what you want.
 */
export class StickyEndpointUnavailableError extends SteadfastError {
  /** Id of the sticky endpoint. */
  readonly endpointId: string
  constructor(endpointId: string, endpoint: string, call: string, cause: unknown) {
    super(
      'STICKY_ENDPOINT_UNAVAILABLE',
      `${call} is node-local and its node '${endpointId}' is unavailable; not moved to another node`,
      { endpoint, cause },
    )
    this.endpointId = endpointId
  }
}

/**
 * A write could not be retried on another node because its input was a one-shot stream larger
 * than `maxReplayBytes`: pass bytes, a string, a Blob or an array, or raise the limit.
 */
export class InputNotReplayableError extends SteadfastError {
  constructor(call: string, limitBytes: number, cause: unknown) {
    super(
      'INPUT_NOT_REPLAYABLE',
      `${call} failed and cannot be retried on another node: its input is a one-shot stream larger than maxReplayBytes (${limitBytes} bytes)`,
      { cause },
    )
  }
}

/** A stream failed after delivering items and its call cannot resume elsewhere (e.g. `dht.query`). */
export class StreamInterruptedError extends SteadfastError {
  constructor(call: string, delivered: number, endpoint: string, cause: unknown) {
    super(
      'STREAM_INTERRUPTED',
      `${call} failed after ${delivered} items and cannot resume on another node`,
      { endpoint, cause },
    )
  }
}

/** A `cat` verified against its CID (`verifyCat`) returned bytes that do not hash to it. */
export class ContentMismatchError extends SteadfastError {
  /** The CID the bytes actually hash to (or `sha256:<hex>` for a raw block). */
  readonly actual: string
  constructor(cid: string, actual: string) {
    super('CONTENT_MISMATCH', `cat of ${cid} returned bytes that hash to ${actual}`)
    this.actual = actual
  }
}
