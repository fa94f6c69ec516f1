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
    return { allowed: false, reason: `Not possible for a ${target.status ?? 'unknown'} member.` }
  }
  return ALLOWED
}
