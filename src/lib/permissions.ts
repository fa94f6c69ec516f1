import type { WorkspaceRole } from './roles'

/**
 * The permission catalogue, mirrored from the `permissions` table so that a misspelt key fails
 * type-checking. The database stays the authority: RLS enforces, this only shapes the UI.
 */
export const PERMISSION_KEYS = [
  'assets.view',
  'assets.create',
  'assets.edit',
  'assets.delete',
  'assets.assign',
  'licenses.view',
  'licenses.create',
  'licenses.edit',
  'licenses.delete',
  'reports.view',
  'members.view',
  'members.invite',
  'members.manage',
  'activity.view',
  'activity.export',
  'settings.manage',
  'reporting.credentials',
  'billing.manage',
  'workspace.delete',
  'ownership.transfer',
] as const

export type PermissionKey = (typeof PERMISSION_KEYS)[number]

/** Permissions that stay with the Owner and can never be granted to another role. */
export const OWNER_ONLY: readonly PermissionKey[] = [
  'billing.manage',
  'workspace.delete',
  'ownership.transfer',
]

export function isPermissionKey(value: unknown): value is PermissionKey {
  return typeof value === 'string' && (PERMISSION_KEYS as readonly string[]).includes(value)
}

/** Pure check: does the granted set (from `my_permissions`) include the permission? */
export function isAllowed(granted: readonly string[], permission: PermissionKey): boolean {
  return granted.includes(permission)
}

/** Which roles' permissions the caller may edit in the matrix (PRODUCT.md, fine-grained control). */
export function editableRoles(myRole: WorkspaceRole | null): WorkspaceRole[] {
  if (myRole === 'owner') return ['admin', 'member', 'viewer']
  if (myRole === 'admin') return ['member', 'viewer']
  return []
}

/** May the caller toggle `permission` for `role`? Mirrors `set_role_permission`'s rules. */
export function canEditRolePermission(
  myRole: WorkspaceRole | null,
  granted: readonly string[],
  role: WorkspaceRole,
  permission: string,
): boolean {
  if (!isAllowed(granted, 'settings.manage')) return false
  if ((OWNER_ONLY as readonly string[]).includes(permission)) return false
  return editableRoles(myRole).includes(role)
}

/** A sentence for the forbidden page: who can give the caller this permission. */
export function whoCanGrant(permission: PermissionKey, myRole: WorkspaceRole | null): string {
  if (OWNER_ONLY.includes(permission)) {
    return 'Only the workspace Owner holds this permission; it cannot be granted to another role. The Owner can transfer ownership to you in Settings.'
  }
  if (myRole === 'admin') {
    return 'The workspace Owner can grant it to the Admin role under Roles & Permissions.'
  }
  return 'The workspace Owner or an Admin can grant it to your role under Roles & Permissions, or change your role on the Users page.'
}
