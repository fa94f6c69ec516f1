import type { MenuItem } from 'primevue/menuitem'
import { actionRule, rowActions, type Actor, type MemberAction } from '@/lib/memberActions'
import { assignableRoles, ROLE_LABELS, type WorkspaceRole } from '@/lib/roles'
import type { MemberRow } from '@/api/members'

export interface MemberMenuItem extends MenuItem {
  key: string
  action?: MemberAction
  role?: WorkspaceRole
  /** Why the item cannot be used; the item stays focusable so the reason can be read. */
  reason?: string
}

const ACTION_LABELS: Record<
  Exclude<MemberAction, 'changeRole'>,
  { label: string; icon: string }
> = {
  suspend: { label: 'Suspend…', icon: 'pi pi-pause-circle' },
  lift: { label: 'Lift suspension', icon: 'pi pi-play-circle' },
  deactivate: { label: 'Deactivate', icon: 'pi pi-ban' },
  reactivate: { label: 'Reactivate', icon: 'pi pi-replay' },
  remove: { label: 'Remove from workspace', icon: 'pi pi-trash' },
  resend: { label: 'Resend invitation', icon: 'pi pi-send' },
  revoke: { label: 'Revoke invitation', icon: 'pi pi-times-circle' },
}

export const OWNER_BY_TRANSFER =
  'Nobody is made Owner by a role change. The Owner hands over ownership in Settings → Transfer ownership.'

/**
 * The row menu for one member: role choices and status actions, each allowed or explained by the
 * database (the row's `actions`, from the member RPCs' own guard).
 */
export function buildMemberMenu(
  member: MemberRow,
  actor: Actor,
): { roles: MemberMenuItem[]; actions: MemberMenuItem[] } {
  const roleRule = actionRule('changeRole', member)
  const roles: MemberMenuItem[] = assignableRoles(actor.role)
    .filter((role) => role !== member.role)
    .map((role) => ({
      key: `role-${role}`,
      label: `Make ${ROLE_LABELS[role]}`,
      icon: 'pi pi-user-edit',
      action: 'changeRole',
      role,
      reason: roleRule.allowed ? undefined : roleRule.reason,
    }))
  if (actor.role === 'owner' && member.role !== 'owner') {
    roles.push({
      key: 'role-owner',
      label: 'Make Owner',
      icon: 'pi pi-crown',
      reason: OWNER_BY_TRANSFER,
    })
  }
  const actions = rowActions(member)
    .filter(
      (entry): entry is typeof entry & { action: Exclude<MemberAction, 'changeRole'> } =>
        entry.action !== 'changeRole',
    )
    .map(({ action, refusal, reason }) => {
      const { label, icon } = ACTION_LABELS[action]
      return {
        key: action,
        label,
        icon,
        action,
        reason: refusal === null ? undefined : (reason ?? undefined),
      }
    })
  return { roles, actions }
}
