import { describe, expect, it } from 'vitest'
import { actionRule, rowActions, splitForBulk, type MemberTarget } from './memberActions'

// Rows as member_directory_page answers them: `actions` comes from private.member_actions.
const higherRank = 'You cannot act on a member whose role is above yours.'
const adminRow = (over: Partial<MemberTarget> = {}): MemberTarget & { id: string } => ({
  id: 'm-admin',
  role: 'admin',
  effective_status: 'active',
  actions: ['changeRole', 'suspend', 'deactivate', 'remove'].map((action) => ({
    action,
    refusal: 'higher_rank_member',
    reason: higherRank,
  })),
  ...over,
})
const viewerRow = (over: Partial<MemberTarget> = {}): MemberTarget & { id: string } => ({
  id: 'm-viewer',
  role: 'viewer',
  effective_status: 'active',
  actions: [
    { action: 'changeRole', refusal: null, reason: null },
    { action: 'suspend', refusal: null, reason: null },
    { action: 'deactivate', refusal: null, reason: null },
    { action: 'remove', refusal: null, reason: null },
  ],
  ...over,
})

describe('rowActions', () => {
  it('reads the menu in the order the database gave it', () => {
    expect(rowActions(viewerRow()).map((a) => a.action)).toEqual([
      'changeRole',
      'suspend',
      'deactivate',
      'remove',
    ])
  })

  it('drops what it does not understand instead of offering it', () => {
    const row = viewerRow({ actions: [{ action: 'explode' }, 'x', null, { action: 'remove' }] })
    expect(rowActions(row)).toEqual([{ action: 'remove', refusal: null, reason: null }])
    expect(rowActions(viewerRow({ actions: null }))).toEqual([])
  })
})

describe('actionRule', () => {
  it('gives the rank refusal on a higher role: no Deactivate or Suspend on an Admin', () => {
    expect(actionRule('deactivate', adminRow())).toEqual({ allowed: false, reason: higherRank })
    expect(actionRule('suspend', adminRow())).toEqual({ allowed: false, reason: higherRank })
  })

  it('allows what the database allows', () => {
    expect(actionRule('deactivate', viewerRow())).toEqual({ allowed: true })
  })

  it('explains an action the status does not offer', () => {
    expect(actionRule('lift', viewerRow())).toEqual({
      allowed: false,
      reason: 'Not possible for an active member.',
    })
  })
})

describe('splitForBulk', () => {
  it('skips members the database would refuse, with its reason, and acts on the rest', () => {
    const split = splitForBulk('deactivate', [adminRow(), viewerRow()])
    expect(split.act.map((m) => m.id)).toEqual(['m-viewer'])
    expect(split.skip).toEqual([{ member: adminRow(), reason: higherRank }])
  })

  it('skips members already in the chosen role', () => {
    const split = splitForBulk('changeRole', [viewerRow()], 'viewer')
    expect(split.skip[0]?.reason).toBe('Already has that role.')
  })
})
