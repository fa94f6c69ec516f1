import { Constants, type Enums } from '@/types/database.types'

export type WorkspaceRole = Enums<'workspace_role'>
export type MemberStatus = Enums<'member_status'>

export const ROLES: readonly WorkspaceRole[] = Constants.public.Enums.workspace_role
export const STATUSES: readonly MemberStatus[] = Constants.public.Enums.member_status

export const ROLE_LABELS: Record<WorkspaceRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
}

/**
 * Each role in one line, for someone who has not joined yet (the accept page): the defaults of
 * docs/product-rules.md ("Roles and permissions"); a workspace may change Admin, Member and
 * Viewer, which the Roles page then shows in full.
 */
export const ROLE_ONE_LINERS: Record<WorkspaceRole, string> = {
  owner: 'Owners can do everything, including billing and handing the workspace over.',
  admin: 'Admins invite people, manage members, assets and licences, and read the activity log.',
  member: 'Members see the team, assets and licences, and add new assets and licences.',
  viewer: 'Viewers see the team, assets, licences and reports, and change nothing.',
}

export const STATUS_LABELS: Record<MemberStatus, string> = {
  pending: 'Pending',
  active: 'Active',
  inactive: 'Inactive',
  suspended: 'Suspended',
}

export const STATUS_SEVERITY: Record<MemberStatus, 'success' | 'secondary' | 'warn' | 'danger'> = {
  active: 'success',
  pending: 'secondary',
  suspended: 'warn',
  inactive: 'danger',
}

/**
 * Roles the caller may give through an invitation or a role change. Nobody is made Owner that
 * way: ownership moves only through `transfer_ownership`.
 */
export function assignableRoles(myRole: WorkspaceRole | null): WorkspaceRole[] {
  return myRole === 'owner' || myRole === 'admin' ? ['admin', 'member', 'viewer'] : []
}

export function roleOptions(roles: readonly WorkspaceRole[]) {
  return roles.map((value) => ({ value, label: ROLE_LABELS[value] }))
}
