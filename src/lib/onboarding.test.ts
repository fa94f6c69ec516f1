import { describe, expect, it } from 'vitest'
import { isOverdue, ownerText, progress, today, waitingOn } from './onboarding'

const task = (over: Partial<Parameters<typeof isOverdue>[0]> = {}) => ({
  due_on: '2026-12-01',
  completed_at: null,
  owner_role: 'admin' as const,
  owner_user_id: null,
  ...over,
})
const names = (id: string) => (id === 'u-mia' ? 'Mia Member' : null)

describe('onboarding summaries', () => {
  it('counts handed-over items and completed tasks as steps done', () => {
    const p = progress(
      [{ state: 'handed_over' }, { state: 'reserved' }, { state: 'none_in_stock' }],
      [task({ completed_at: '2026-12-02T10:00:00Z' }), task()],
    )
    expect(p).toEqual({ done: 2, total: 5, percent: 40 })
    expect(progress([], []).percent).toBe(100)
  })

  it('is overdue only when open and past its day', () => {
    expect(isOverdue(task(), '2026-12-02')).toBe(true)
    expect(isOverdue(task(), '2026-12-01')).toBe(false)
    expect(isOverdue(task({ completed_at: '2026-12-03T00:00:00Z' }), '2026-12-09')).toBe(false)
    expect(today(new Date(2026, 0, 5))).toBe('2026-01-05')
  })

  it('says what waits on whom, in words', () => {
    expect(ownerText(task(), names)).toBe('Admins')
    expect(ownerText(task({ owner_role: null, owner_user_id: 'u-mia' }), names)).toBe('Mia Member')
    expect(ownerText(task({ owner_role: null, owner_user_id: 'u-gone' }), names)).toBe(
      'a former member',
    )
    expect(
      waitingOn(
        [{ state: 'reserved' }, { state: 'handed_over' }],
        [task(), task(), task({ owner_role: null, owner_user_id: 'u-mia' })],
        names,
      ),
    ).toBe('Waiting on Admins (2), Mia Member (1), 1 item to hand over')
    expect(waitingOn([], [task({ completed_at: 'x' })], names)).toBe('Nothing waiting')
  })
})
