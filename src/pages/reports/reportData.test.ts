import { describe, expect, it } from 'vitest'
import { countBy, lastDays, perDay } from './reportData'

describe('report data', () => {
  it('counts by key in the given order, with zeros', () => {
    const items = [{ r: 'admin' }, { r: 'member' }, { r: 'member' }, { r: 'ghost' }]
    expect(countBy(items, (i) => i.r, ['owner', 'admin', 'member'])).toEqual([0, 1, 2])
  })

  it('buckets activity into the last N local days', () => {
    const now = new Date(2026, 10, 28, 15, 0)
    expect(lastDays(3, now)).toEqual(['2026-11-26', '2026-11-27', '2026-11-28'])
    const rows = [
      { occurred_at: new Date(2026, 10, 28, 9).toISOString() },
      { occurred_at: new Date(2026, 10, 28, 10).toISOString() },
      { occurred_at: new Date(2026, 10, 26, 23).toISOString() },
      { occurred_at: new Date(2026, 9, 1).toISOString() },
    ]
    expect(perDay(rows, 3, now).counts).toEqual([1, 0, 2])
  })
})
