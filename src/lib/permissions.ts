import { Constants, type Enums } from '@/types/database.types'
import type { WorkspaceRole } from './roles'

/**
 * The permission keys, from the generated database types (the `permission_key` enum, derived from
 * the `permissions` table), so that a misspelt key fails type-checking. Owner-only flags and
 * descriptions come from the catalogue store at run time. RLS enforces; this only shapes the UI.
 */
export const PERMISSION_KEYS: readonly PermissionKey[] = Constants.public.Enums.permission_key

export type PermissionKey = Enums<'permission_key'>

export function isPermissionKey(value: unknown): value is PermissionKey {
  return typeof value === 'string' && (PERMISSION_KEYS as readonly string[]).includes(value)
}

/** Pure check: does the granted set (from `my_permissions`) include the permission? */
export function isAllowed(granted: readonly string[], permission: PermissionKey): boolean {
  return granted.includes(permission)
}

/**
 * Which roles' permissions the caller may edit in the matrix (docs/product-rules.md,
 * per-workspace matrix).
 */
export function editableRoles(myRole: WorkspaceRole | null): WorkspaceRole[] {
  if (myRole === 'owner') return ['admin', 'member', 'viewer']
  if (myRole === 'admin') return ['member', 'viewer']
  return []
}

/**
 * May the caller toggle `permission` for `role`? Mirrors `set_role_permission`'s rules;
 * `ownerOnly` is the catalogue's owner-only keys (catalogue store).
 */
export function canEditRolePermission(
  myRole: WorkspaceRole | null,
  granted: readonly string[],
  role: WorkspaceRole,
  permission: string,
  ownerOnly: ReadonlySet<string>,
): boolean {
  if (!isAllowed(granted, 'settings.manage')) return false
  if (ownerOnly.has(permission)) return false
  return editableRoles(myRole).includes(role)
}

/** A sentence for the forbidden page: who can give the caller this permission. */
export function whoCanGrant(
  permission: PermissionKey,
  myRole: WorkspaceRole | null,
  ownerOnly: ReadonlySet<string>,
): string {
  if (ownerOnly.has(permission)) {
    return 'Only the workspace Owner holds this permission; it cannot be granted to another role. The Owner can transfer ownership to you in Settings.'
  }
  if (myRole === 'admin') {
    return 'The workspace Owner can grant it to the Admin role under Roles & Permissions.'
  }
  return 'The workspace Owner or an Admin can grant it to your role under Roles & Permissions, or change your role on the Users page.'
}
