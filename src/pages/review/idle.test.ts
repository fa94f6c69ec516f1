import { describe, expect, it } from 'vitest'
import { memberRow } from '@/test/fixtures'
import { reviewRows } from './idle'

const NOW = new Date('2026-11-28T00:00:00Z').getTime()
const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString()

describe('reviewRows', () => {
  it('flags the members the database flags, most idle first', () => {
    const rows = reviewRows(
      [
        memberRow({ id: 'a', last_active_at: daysAgo(10) }),
        memberRow({ id: 'b', last_active_at: daysAgo(90) }),
        memberRow({ id: 'c', last_active_at: daysAgo(200) }),
      ],
      'me',
      new Set(['b', 'c']),
      NOW,
    )
    expect(rows.map((r) => [r.member.id, r.flagged])).toEqual([
      ['c', true],
      ['b', true],
      ['a', false],
    ])
  })

  it('counts idle days from joining when someone was never active', () => {
    const [row] = reviewRows(
      [memberRow({ id: 'n', last_active_at: null, joined_at: daysAgo(120) })],
      'me',
      new Set(['n']),
      NOW,
    )
    expect([row!.idleDays, row!.flagged]).toEqual([120, true])
  })

  it('flags nobody the database does not flag, however idle', () => {
    const [row] = reviewRows(
      [memberRow({ id: 'x', last_active_at: daysAgo(400) })],
      'me',
      new Set(),
      NOW,
    )
    expect(row!.flagged).toBe(false)
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
      new Set(['o', 'me', 'i']),
      NOW,
    )
    expect(rows.map((r) => r.member.id)).toEqual(['o', 'me', 'i'])
    expect(rows.every((r) => !r.selectable)).toBe(true)
    expect(rows.find((r) => r.member.id === 'i')!.flagged).toBe(false)
  })
})
