import { describe, expect, it } from 'vitest'
import { memberRow } from '@/test/fixtures'
import { reviewRows } from './idle'

const NOW = new Date('2026-11-28T00:00:00Z').getTime()
const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString()

describe('reviewRows', () => {
  it('flags members idle for 90 days or more, most idle first', () => {
    const rows = reviewRows(
      [
        memberRow({ id: 'a', last_active_at: daysAgo(10) }),
        memberRow({ id: 'b', last_active_at: daysAgo(90) }),
        memberRow({ id: 'c', last_active_at: daysAgo(200) }),
      ],
      'me',
      NOW,
    )
    expect(rows.map((r) => [r.member.id, r.flagged])).toEqual([
      ['c', true],
      ['b', true],
      ['a', false],
    ])
  })

  it('counts from joining when someone was never active', () => {
    const [row] = reviewRows(
      [memberRow({ last_active_at: null, joined_at: daysAgo(120) })],
      'me',
      NOW,
    )
    expect(row!.flagged).toBe(true)
  })

  it('never offers the Owner, yourself or inactive members for deactivation', () => {
    const rows = reviewRows(
      [
        memberRow({ id: 'o', role: 'owner', last_active_at: daysAgo(300) }),
        memberRow({ id: 'me', user_id: 'me', last_active_at: daysAgo(300) }),
        memberRow({
          id: 'i',
          status: 'inactive',
          effective_status: 'inactive',
          last_active_at: daysAgo(300),
        }),
        memberRow({ id: 'p', status: 'pending', effective_status: 'pending' }),
      ],
      'me',
      NOW,
    )
    expect(rows.map((r) => r.member.id)).toEqual(['o', 'me', 'i'])
    expect(rows.every((r) => !r.selectable)).toBe(true)
    expect(rows.find((r) => r.member.id === 'i')!.flagged).toBe(false)
  })
})
