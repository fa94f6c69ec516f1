import type { MemberStatus, WorkspaceRole } from './roles'

export type MemberAction =
  'changeRole' | 'deactivate' | 'reactivate' | 'suspend' | 'lift' | 'remove' | 'resend' | 'revoke'

export interface MemberTarget {
  user_id: string | null
  role: WorkspaceRole | null
  /** The effective status (an elapsed suspension counts as active). */
  status: MemberStatus | null
}

export interface Actor {
  userId: string | null
  role: WorkspaceRole | null
  /** Holds members.manage (role, status, remove). */
  canManage: boolean
  /** Holds members.invite (invite, resend, revoke). */
  canInvite: boolean
}

export type Rule = { allowed: true } | { allowed: false; reason: string }

const ALLOWED: Rule = { allowed: true }
const INVITE_ACTIONS: readonly MemberAction[] = ['resend', 'revoke']

/** The actions that make sense for a member in this status, in menu order. */
export function actionsFor(status: MemberStatus | null): MemberAction[] {
  switch (status) {
    case 'active':
      return ['changeRole', 'suspend', 'deactivate', 'remove']
    case 'suspended':
      return ['changeRole', 'lift', 'deactivate', 'remove']
    case 'inactive':
      return ['changeRole', 'reactivate', 'remove']
    case 'pending':
      return ['changeRole', 'resend', 'revoke']
    default:
      return []
  }
}

/**
 * Whether the actor may take `action` on `target`, and if not, why — in words for the tooltip.
 * Mirrors the rules Postgres enforces (PRODUCT.md, "Rules no one can break").
 */
export function memberActionRule(action: MemberAction, target: MemberTarget, actor: Actor): Rule {
  const needed = INVITE_ACTIONS.includes(action) ? 'members.invite' : 'members.manage'
  if (!(needed === 'members.invite' ? actor.canInvite : actor.canManage)) {
    return { allowed: false, reason: `You need the ${needed} permission for this.` }
  }
  if (target.role === 'owner') {
    return {
      allowed: false,
      reason:
        'The Owner cannot be changed, deactivated, suspended or removed. Ownership moves only by transfer, in Settings.',
    }
  }
  if (target.user_id !== null && target.user_id === actor.userId) {
    return { allowed: false, reason: 'You cannot change your own role or status.' }
  }
  if (!actionsFor(target.status).includes(action)) {
    const status = target.status ?? 'unknown'
    const article = /^[aeiou]/.test(status) ? 'an' : 'a'
    return { allowed: false, reason: `Not possible for ${article} ${status} member.` }
  }
  return ALLOWED
}

export interface BulkSplit<M> {
  /** Members the action will be taken on. */
  act: M[]
  /** Members left out, each with the reason in words. */
  skip: { member: M; reason: string }[]
}

/**
 * Splits a selection before a bulk action: who it applies to, and who is skipped and why
 * (yourself, the Owner, a status the action does not fit, already in that role), so the rest
 * go ahead instead of the whole call being refused.
 */
export function splitForBulk<M extends MemberTarget>(
  action: MemberAction,
  members: readonly M[],
  actor: Actor,
  role?: WorkspaceRole,
): BulkSplit<M> {
  const split: BulkSplit<M> = { act: [], skip: [] }
  for (const member of members) {
    const rule = memberActionRule(action, member, actor)
    if (!rule.allowed) split.skip.push({ member, reason: rule.reason })
    else if (action === 'changeRole' && role && member.role === role) {
      split.skip.push({ member, reason: 'Already has that role.' })
    } else split.act.push(member)
  }
  return split
}
