import { describe, expect, it } from 'vitest'
import { matchesSecurity } from './memberSecurity'

const now = Date.parse('2026-12-01T00:00:00Z')
const row = (user_id: string, last: string | null, status = 'active') => ({
  user_id,
  last_active_at: last,
  effective_status: status,
})

describe('matchesSecurity', () => {
  const enrolled = new Map([['a', true]])
  it('finds members not signed in for 30 days, or never', () => {
    expect(matchesSecurity(row('a', '2026-10-01T00:00:00Z'), '30', null, null, now)).toBe(true)
    expect(matchesSecurity(row('a', '2026-11-25T00:00:00Z'), '30', null, null, now)).toBe(false)
    expect(matchesSecurity(row('a', null), 'never', null, null, now)).toBe(true)
    expect(matchesSecurity(row('a', null, 'pending'), '30', null, null, now)).toBe(false)
  })
  it('filters by two-factor enrolment', () => {
    expect(matchesSecurity(row('a', null), null, 'not_enrolled', enrolled, now)).toBe(false)
    expect(matchesSecurity(row('b', null), null, 'not_enrolled', enrolled, now)).toBe(true)
    expect(matchesSecurity(row('a', null), null, 'enrolled', enrolled, now)).toBe(true)
  })
})
