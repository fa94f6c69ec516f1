import { describe, expect, it } from 'vitest'
import { describeAlert } from './alerts'

const base = {
  actor_email: 'admin@x.test',
  window_start: '2026-11-28T10:00:00Z',
  window_end: '2026-11-28T10:05:00Z',
  event_count: 12,
  threshold: 10,
}

describe('describeAlert', () => {
  it('says who deleted how many, and the threshold', () => {
    const { title, detail } = describeAlert({ ...base, kind: 'deletion_burst' })
    expect(title).toBe('Burst of deletions')
    expect(detail).toMatch(/^admin@x\.test deleted 12 assets, licences or members between /)
    expect(detail).toMatch(/alert threshold: 10/)
  })

  it('names the account for failed sign-ins', () => {
    expect(describeAlert({ ...base, kind: 'failed_sign_in_burst' }).detail).toMatch(
      /^12 failed sign-ins for admin@x\.test/,
    )
  })

  it('copes with an unknown kind', () => {
    expect(describeAlert({ ...base, kind: 'new_rule' }).title).toBe('Unusual activity')
  })
})
