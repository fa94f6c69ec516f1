import type { MemberStatus, WorkspaceRole } from './roles'

export type MemberAction =
  'changeRole' | 'deactivate' | 'reactivate' | 'suspend' | 'lift' | 'remove' | 'resend' | 'revoke'

/** What the page shows and offers by permission (columns, bulk bar); not the per-row rules. */
export interface Actor {
  userId: string | null
  role: WorkspaceRole | null
  /** Holds members.manage (role, status, remove). */
  canManage: boolean
  /** Holds members.invite (invite, resend, revoke). */
  canInvite: boolean
}

/**
 * One entry of a member row's `actions`: the database's own guard for the caller
 * (private.member_action_refusal through member_directory / member_directory_page), in menu
 * order; `refusal` is the hint the RPC would raise, null when it would take the action.
 */
export interface RowAction {
  action: MemberAction
  refusal: string | null
  reason: string | null
}

/** The part of a member row the rules read. */
export interface MemberTarget {
  role: WorkspaceRole | null
  effective_status: MemberStatus | null
  actions?: unknown
}

export type Rule = { allowed: true } | { allowed: false; reason: string }

const ACTIONS = new Set<string>([
  'changeRole',
  'deactivate',
  'reactivate',
  'suspend',
  'lift',
  'remove',
  'resend',
  'revoke',
])

/** The row's menu as the database gave it (an empty menu for anything unexpected). */
export function rowActions(member: MemberTarget): RowAction[] {
  if (!Array.isArray(member.actions)) return []
  return (member.actions as unknown[]).flatMap((entry) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return []
    const { action, refusal, reason } = entry as Record<string, unknown>
    if (typeof action !== 'string' || !ACTIONS.has(action)) return []
    return [
      {
        action: action as MemberAction,
        refusal: typeof refusal === 'string' ? refusal : null,
        reason: typeof reason === 'string' ? reason : null,
      },
    ]
  })
}

/** Whether the database would take `action` on this member for the caller, and if not, why. */
export function actionRule(action: MemberAction, member: MemberTarget): Rule {
  const entry = rowActions(member).find((a) => a.action === action)
  if (!entry) {
    // Not on the row's menu: the member's status does not fit the action.
    const status = member.effective_status ?? 'unknown'
    const article = /^[aeiou]/.test(status) ? 'an' : 'a'
    return { allowed: false, reason: `Not possible for ${article} ${status} member.` }
  }
  if (entry.refusal === null) return { allowed: true }
  return { allowed: false, reason: entry.reason ?? 'The database refuses this.' }
}

export interface BulkSplit<M> {
  /** Members the action will be taken on. */
  act: M[]
  /** Members left out, each with the reason in words. */
  skip: { member: M; reason: string }[]
}

/**
 * Splits a selection before a bulk action: who it applies to, and who is skipped and why (from
 * each row's `actions`; plus "already has that role"), so the rest go ahead instead of the
 * whole call being refused.
 */
export function splitForBulk<M extends MemberTarget>(
  action: MemberAction,
  members: readonly M[],
  role?: WorkspaceRole,
): BulkSplit<M> {
  const split: BulkSplit<M> = { act: [], skip: [] }
  for (const member of members) {
    const rule = actionRule(action, member)
    if (!rule.allowed) split.skip.push({ member, reason: rule.reason })
    else if (action === 'changeRole' && role && member.role === role) {
      split.skip.push({ member, reason: 'Already has that role.' })
    } else split.act.push(member)
  }
  return split
}
