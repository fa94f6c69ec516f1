import { describe, expect, it } from 'vitest'
import {
  actionsFor,
  memberActionRule,
  type Actor,
  type MemberTarget,
  splitForBulk,
} from './memberRules'

const admin: Actor = { userId: 'me', role: 'admin', canManage: true, canInvite: true }
const member = (over: Partial<MemberTarget> = {}): MemberTarget => ({
  user_id: 'other',
  role: 'member',
  status: 'active',
  ...over,
})

describe('memberActionRule', () => {
  it('allows an admin to deactivate an active member', () => {
    expect(memberActionRule('deactivate', member(), admin)).toEqual({ allowed: true })
  })

  it('protects the Owner from every action', () => {
    for (const action of ['changeRole', 'deactivate', 'suspend', 'remove'] as const) {
      const rule = memberActionRule(action, member({ role: 'owner' }), admin)
      expect(rule.allowed).toBe(false)
      if (!rule.allowed) expect(rule.reason).toMatch(/Owner cannot be changed/)
    }
  })

  it('forbids changing yourself', () => {
    const rule = memberActionRule('changeRole', member({ user_id: 'me' }), admin)
    expect(rule).toEqual({ allowed: false, reason: 'You cannot change your own role or status.' })
  })

  it('needs members.invite, not members.manage, to revoke an invitation', () => {
    const pending = member({ status: 'pending' })
    const inviter = { ...admin, canManage: false }
    expect(memberActionRule('revoke', pending, inviter)).toEqual({ allowed: true })
    expect(memberActionRule('changeRole', pending, inviter).allowed).toBe(false)
  })

  it('needs members.manage', () => {
    const rule = memberActionRule('remove', member(), { ...admin, canManage: false })
    expect(rule.allowed).toBe(false)
  })

  it('refuses actions that do not fit the status', () => {
    expect(memberActionRule('lift', member({ status: 'active' }), admin).allowed).toBe(false)
    expect(memberActionRule('reactivate', member({ status: 'inactive' }), admin).allowed).toBe(true)
  })
})

describe('actionsFor', () => {
  it('offers status actions that fit', () => {
    expect(actionsFor('suspended')).toContain('lift')
    expect(actionsFor('inactive')).toEqual(['changeRole', 'reactivate', 'remove'])
    expect(actionsFor('pending')).toEqual(['changeRole', 'resend', 'revoke'])
  })
})

describe('splitForBulk (bug 3)', () => {
  const admin = { userId: 'me', role: 'admin' as const, canManage: true, canInvite: true }
  const t = (
    user_id: string,
    role: 'owner' | 'admin' | 'member',
    status: 'active' | 'pending' = 'active',
  ) => ({
    user_id,
    role,
    status,
  })

  it('acts on the rest and says who is skipped and why', () => {
    const owner = t('o', 'owner')
    const me = t('me', 'admin')
    const ben = t('ben', 'member')
    const cat = t('cat', 'admin')
    const split = splitForBulk('changeRole', [owner, me, ben, cat], admin, 'admin')
    expect(split.act).toEqual([ben])
    expect(split.skip.map((s) => [s.member.user_id, s.reason])).toEqual([
      ['o', expect.stringMatching(/Owner cannot be changed/)],
      ['me', 'You cannot change your own role or status.'],
      ['cat', 'Already has that role.'],
    ])
  })

  it('skips members whose status does not fit (resend only pending)', () => {
    const split = splitForBulk('resend', [t('a', 'member'), t('b', 'member', 'pending')], admin)
    expect(split.act.map((m) => m.user_id)).toEqual(['b'])
    expect(split.skip[0]!.reason).toMatch(/active member/)
  })
})
