import { unwrap } from '@/lib/errors'
import type { WorkspaceRole } from '@/lib/roles'
import { supabase } from '@/lib/supabase'
import type { Json, Tables } from '@/types/database.types'

export type Permission = Tables<'permissions'>
export type RolePermission = Tables<'role_permissions'>

export async function listPermissions(): Promise<Permission[]> {
  return unwrap(supabase.from('permissions').select('*').order('sort_order'))
}

export async function listRolePermissions(workspaceId: string): Promise<RolePermission[]> {
  return unwrap(supabase.from('role_permissions').select('*').eq('workspace_id', workspaceId))
}

export async function setRolePermission(
  workspaceId: string,
  role: WorkspaceRole,
  permission: string,
  granted: boolean,
): Promise<void> {
  await unwrap(
    supabase.rpc('set_role_permission', {
      p_workspace_id: workspaceId,
      p_role: role,
      p_permission: permission,
      p_granted: granted,
    }),
  )
}

export interface RolePermissionChange {
  role: WorkspaceRole
  permission: string
  granted: boolean
}

/** Applies the Roles matrix's collected changes in one transaction: all of them or none. */
export async function setRolePermissions(
  workspaceId: string,
  changes: RolePermissionChange[],
): Promise<void> {
  await unwrap(
    supabase.rpc('set_role_permissions', {
      p_workspace_id: workspaceId,
      p_changes: changes as unknown as Json,
    }),
  )
}
