import { describe, expect, it } from 'vitest'
import { twoFactorImpact, type ImpactMember } from './twoFactorImpact'

const m = (user_id: string, full_name: string, role: ImpactMember['role']): ImpactMember => ({
  user_id,
  full_name,
  email: `${user_id}@x.test`,
  role,
})
const team = [m('mia', 'Mia', 'member'), m('adam', 'Adam', 'admin'), m('olga', 'Olga', 'owner')]

describe('twoFactorImpact', () => {
  it('lists who is not enrolled, the Owner first, and whether the saver locks themselves out', () => {
    const impact = twoFactorImpact('everyone', team, new Map([['adam', true]]), 'olga')
    expect(impact.notEnrolled.map((x) => x.full_name)).toEqual(['Olga', 'Mia'])
    expect(impact.locksOutSelf).toBe(true)
  })

  it('applies "admins" to the Owner and Admins only', () => {
    const impact = twoFactorImpact('admins', team, new Map(), 'mia')
    expect(impact.notEnrolled.map((x) => x.full_name)).toEqual(['Olga', 'Adam'])
    expect(impact.locksOutSelf).toBe(false)
  })

  it('is empty when the rule is off', () => {
    expect(twoFactorImpact('off', team, new Map(), 'olga').notEnrolled).toEqual([])
  })
})
