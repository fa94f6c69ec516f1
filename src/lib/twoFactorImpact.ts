import type { WorkspaceRole } from './roles'

export type TwoFactorRule = 'off' | 'admins' | 'everyone'

export interface ImpactMember {
  user_id: string | null
  full_name: string | null
  email: string | null
  role: WorkspaceRole | null
}

export interface TwoFactorImpact<M extends ImpactMember> {
  /** Members the rule applies to who have no verified authenticator: the Owner first, then by name. */
  notEnrolled: M[]
  /** The person saving would shut themselves out (the rule applies to them and they are not enrolled). */
  locksOutSelf: boolean
}

const ROLE_ORDER: Record<WorkspaceRole, number> = { owner: 0, admin: 1, member: 2, viewer: 3 }

/**
 * Who a new 2FA rule would stop at the door until they enrol, before it is saved. Whom the rule
 * applies to comes from the database (`two_factor_rule_applies_to`), which holds the rule.
 */
export function twoFactorImpact<M extends ImpactMember>(
  appliesTo: ReadonlySet<string>,
  members: readonly M[],
  enrolled: ReadonlyMap<string, boolean>,
  myUserId: string | null,
): TwoFactorImpact<M> {
  const notEnrolled = members
    .filter((m) => m.user_id && appliesTo.has(m.user_id) && !enrolled.get(m.user_id))
    .sort(
      (a, b) =>
        ROLE_ORDER[a.role ?? 'viewer'] - ROLE_ORDER[b.role ?? 'viewer'] ||
        (a.full_name || a.email || '').localeCompare(b.full_name || b.email || ''),
    )
  return {
    notEnrolled,
    locksOutSelf: notEnrolled.some((m) => m.user_id === myUserId),
  }
}
