import { unwrap } from '@/lib/errors'
import type { MemberStatus, WorkspaceRole } from '@/lib/roles'
import { supabase } from '@/lib/supabase'
import type { Database, Tables, TablesUpdate } from '@/types/database.types'

export type Workspace = Tables<'workspaces'>
export type WorkspaceSettings = Pick<
  TablesUpdate<'workspaces'>,
  'name' | 'invite_expiry_days' | 'require_2fa'
>

/** One of the signed-in person's own memberships, with the workspace name for the switcher. */
export interface MyMembership {
  id: string
  workspace_id: string
  workspace_name: string
  role: WorkspaceRole
  /** The stored status (pending, active, inactive, suspended). */
  status: MemberStatus
  /** The status that counts, from the database: a suspension whose end has passed is active. */
  effective_status: MemberStatus
  /** End of a suspension (null: until lifted). */
  suspended_until?: string | null
  /** Why the member was suspended or deactivated, when an admin said. */
  status_reason?: string | null
}

/**
 * The signed-in person's own memberships, oldest first (`my_memberships`: the table keeps the
 * reason for a status to members.manage; a person reads their own here).
 */
export async function listMyMemberships(): Promise<MyMembership[]> {
  const rows = (await unwrap(supabase.rpc('my_memberships'))) ?? []
  return rows.map((row) => ({
    id: row.id,
    workspace_id: row.workspace_id,
    // Null when the membership is not active: its workspace is not readable then.
    workspace_name: row.workspace_name ?? '',
    role: row.role,
    status: row.status,
    effective_status: row.effective_status,
    suspended_until: row.suspended_until,
    status_reason: row.status_reason,
  }))
}

/** Whether the access token's Auth session still exists (false once it was revoked). */
export async function sessionAlive(): Promise<boolean> {
  return (await unwrap(supabase.rpc('session_alive'))) === true
}

export async function myPermissions(workspaceId: string): Promise<string[]> {
  return (await unwrap(supabase.rpc('my_permissions', { p_workspace_id: workspaceId }))) ?? []
}

export async function getWorkspace(workspaceId: string): Promise<Workspace> {
  return unwrap(supabase.from('workspaces').select('*').eq('id', workspaceId).single())
}

export async function createWorkspace(name: string): Promise<Workspace> {
  return unwrap(supabase.rpc('create_workspace', { p_name: name }))
}

export async function updateWorkspace(
  workspaceId: string,
  settings: WorkspaceSettings,
): Promise<Workspace> {
  return unwrap(
    supabase.from('workspaces').update(settings).eq('id', workspaceId).select('*').single(),
  )
}

export async function transferOwnership(workspaceId: string, membershipId: string): Promise<void> {
  await unwrap(
    supabase.rpc('transfer_ownership', {
      p_workspace_id: workspaceId,
      p_new_owner_membership_id: membershipId,
    }),
  )
}

export async function deleteWorkspace(workspaceId: string, confirmName: string): Promise<void> {
  await unwrap(
    supabase.rpc('delete_workspace', { p_workspace_id: workspaceId, p_confirm_name: confirmName }),
  )
}

export async function leaveWorkspace(workspaceId: string): Promise<void> {
  await unwrap(supabase.rpc('leave_workspace', { p_workspace_id: workspaceId }))
}

export type TwoFactorGate =
  Database['public']['Functions']['my_two_factor_gates']['Returns'][number]

/** My active workspaces that stay closed until I use two-factor authentication. */
export async function myTwoFactorGates(): Promise<TwoFactorGate[]> {
  return (await unwrap(supabase.rpc('my_two_factor_gates'))) ?? []
}

export type SsoGate = Database['public']['Functions']['my_sso_gates']['Returns'][number]

/** My active workspaces that stay closed until I sign in through their identity provider (docs/sso.md). */
export async function mySsoGates(): Promise<SsoGate[]> {
  return (await unwrap(supabase.rpc('my_sso_gates'))) ?? []
}
