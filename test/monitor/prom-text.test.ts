import { describe, expect, it } from 'vitest'
import { parsePromText, sumOf } from './support/prom-text.js'

const ok = `# HELP x_total X.
# TYPE x_total counter
x_total{set="a",endpoint="h:1"} 3
x_total{set="a",endpoint="h\\"2\\\\"} 1
# TYPE d histogram
d_bucket{le="0.1"} 1
d_bucket{le="+Inf"} 2
d_sum 0.3
d_count 2
`

describe('the test exposition checker', () => {
  it('behavior: accepts valid text and reads samples', () => {
    const e = parsePromText(ok)
    expect(sumOf(e, 'x_total', { set: 'a' })).toBe(4)
    expect(e.samples[1]?.labels.endpoint).toBe('h"2\\')
  })

  it('error: rejects what a scraper rejects', () => {
    const bad = [
      'x 1\n', // no TYPE
      '# TYPE x gauge\nx{a="1"} one\n', // bad value
      '# TYPE x gauge\nx{a=1} 1\n', // unquoted
      '# TYPE x gauge\nx{a="\\q"} 1\n', // bad escape
      '# TYPE x gauge\nx{1a="v"} 1\n', // bad label name
      '# TYPE x gauge\nx 1\nx 2\n', // duplicate series
      '# TYPE x gauge\nx 1', // no final newline
      '# TYPE x wobble\nx 1\n', // bad type
      '# TYPE d histogram\nd_bucket{le="1"} 2\nd_bucket{le="+Inf"} 1\n', // not cumulative
      '# TYPE d histogram\nd_bucket{le="1"} 2\n', // no +Inf
    ]
    for (const text of bad) expect(() => parsePromText(text), text).toThrow()
  })
})
