import { describe, expect, it } from 'vitest'
import type { Actor } from '@/lib/memberActions'
import { memberRow } from '@/test/fixtures'
import { buildMemberMenu } from './memberMenu'

// A Member who was granted members.manage, looking at an Admin: the database refuses every
// action on a higher rank, and the row's `actions` (private.member_actions) says so.
const manager: Actor = { userId: 'me', role: 'member', canManage: true, canInvite: false }
const higherRank = 'You cannot act on a member whose role is above yours.'
const admin = memberRow({
  role: 'admin',
  actions: ['changeRole', 'suspend', 'deactivate', 'remove'].map((action) => ({
    action,
    refusal: 'higher_rank_member',
    reason: higherRank,
  })),
})

describe('buildMemberMenu', () => {
  it('shows Deactivate and Suspend disabled on an Admin for a lower role, with the reason', () => {
    const { actions, roles } = buildMemberMenu(admin, manager)
    const byKey = Object.fromEntries(actions.map((a) => [a.key, a.reason]))
    expect(byKey).toEqual({ suspend: higherRank, deactivate: higherRank, remove: higherRank })
    for (const role of roles) expect(role.reason).toBe(higherRank)
  })

  it('enables what the database would take', () => {
    const { actions } = buildMemberMenu(memberRow({ role: 'viewer' }), manager)
    expect(actions.map((a) => [a.key, a.reason])).toEqual([
      ['suspend', undefined],
      ['deactivate', undefined],
      ['remove', undefined],
    ])
  })
})
