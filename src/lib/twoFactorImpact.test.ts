import { describe, expect, it } from 'vitest'
import { twoFactorImpact, type ImpactMember } from './twoFactorImpact'

const m = (user_id: string, full_name: string, role: ImpactMember['role']): ImpactMember => ({
  user_id,
  full_name,
  email: `${user_id}@x.test`,
  role,
})
const team = [m('mia', 'Mia', 'member'), m('adam', 'Adam', 'admin'), m('olga', 'Olga', 'owner')]

// Whom each rule applies to, as the database answers (two_factor_rule_applies_to).
const everyone = new Set(['mia', 'adam', 'olga'])
const admins = new Set(['adam', 'olga'])

describe('twoFactorImpact', () => {
  it('lists who is not enrolled, the Owner first, and whether the saver locks themselves out', () => {
    const impact = twoFactorImpact(everyone, team, new Map([['adam', true]]), 'olga')
    expect(impact.notEnrolled.map((x) => x.full_name)).toEqual(['Olga', 'Mia'])
    expect(impact.locksOutSelf).toBe(true)
  })

  it('leaves out those the rule does not apply to', () => {
    const impact = twoFactorImpact(admins, team, new Map(), 'mia')
    expect(impact.notEnrolled.map((x) => x.full_name)).toEqual(['Olga', 'Adam'])
    expect(impact.locksOutSelf).toBe(false)
  })

  it('is empty when the rule applies to nobody', () => {
    expect(twoFactorImpact(new Set(), team, new Map(), 'olga').notEnrolled).toEqual([])
  })
})
