/**
 * A 4xx answer decided while handling a request. Internal: the handler turns it into
 * `{ error: { code, message, field? } }` with `status`. Messages never contain endpoint URLs.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  constructor(
    /** HTTP status, 4xx. */
    readonly status: number,
    /** Stable machine code, e.g. `INVALID_BODY`, `UNAUTHORIZED`, `UNKNOWN_SET`. */
    readonly code: string,
    message: string,
    /** The offending request field, for validation errors. */
    readonly field?: string,
    /** Extra response headers (e.g. `Allow`, `WWW-Authenticate`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message)
  }
}

/** 400 naming the field that is wrong. */
export function invalidField(field: string, message: string): HttpError {
  return new HttpError(400, 'INVALID_BODY', `${field}: ${message}`, field)
}
