// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ansi = /\u001b\[[0-9;]*m/g

/** Width of a string as the terminal shows it (colour escapes take no room). */
export function visibleWidth(s: string): number {
  return s.replace(ansi, '').length
}

/**
 * Renders rows as aligned columns; a column is right-aligned when its header is listed in
 * `right`. Colour escapes in cells are allowed and do not break the alignment.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly string[] = [],
): string[] {
  const widths = headers.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleWidth(c)))
        return right.includes(headers[i] ?? '') ? pad + c : c + pad
      })
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)]
}

/** mm:ss of a duration in ms. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}
