import { FunctionsHttpError } from '@supabase/supabase-js'
import { AppError, toAppError, unwrap, unwrapWithCount } from '@/lib/errors'
import { resendInvitations as resendInvitationMails } from '@/api/invitations'
import { orIlike } from '@/lib/postgrest'
import type { MemberStatus, WorkspaceRole } from '@/lib/roles'
import { supabase } from '@/lib/supabase'
import type { Tables } from '@/types/database.types'

export type MemberRow = Tables<'member_directory'>

export const MEMBER_SORT_FIELDS = [
  'full_name',
  'email',
  'role',
  'effective_status',
  'last_active_at',
  'invited_by_email',
  'created_at',
] as const
export type MemberSortField = (typeof MEMBER_SORT_FIELDS)[number]

export interface MemberQuery {
  workspaceId: string
  first: number
  rows: number
  sortField?: MemberSortField | null
  sortOrder?: 1 | -1 | 0 | null
  role?: WorkspaceRole | null
  status?: MemberStatus | null
  search?: string | null
}

/** One page of the team directory, filtered and sorted by the database. */
export async function listMembers(q: MemberQuery): Promise<{ rows: MemberRow[]; total: number }> {
  let query = supabase
    .from('member_directory')
    .select('*', { count: 'exact' })
    .eq('workspace_id', q.workspaceId)
  if (q.role) query = query.eq('role', q.role)
  if (q.status) query = query.eq('effective_status', q.status)
  if (q.search?.trim()) query = query.or(orIlike(['full_name', 'email'], q.search))
  const field = q.sortField ?? 'created_at'
  query = query
    .order(field, { ascending: q.sortOrder === 1, nullsFirst: false })
    .order('id', { ascending: true })
    .range(q.first, q.first + q.rows - 1)
  return unwrapWithCount(query)
}

/** Effectively active members (for pickers: assign an asset, transfer ownership). */
export async function listActiveMembers(workspaceId: string): Promise<MemberRow[]> {
  return unwrap(
    supabase
      .from('member_directory')
      .select('*')
      .eq('workspace_id', workspaceId)
      .eq('effective_status', 'active')
      .order('email'),
  )
}

/** Every member of the workspace with the fields the access review and reports need. */
export async function listAllMembers(workspaceId: string): Promise<MemberRow[]> {
  return unwrap(
    supabase
      .from('member_directory')
      .select('*')
      .eq('workspace_id', workspaceId)
      .order('last_active_at', { ascending: true, nullsFirst: true }),
  )
}

export async function changeMemberRole(membershipId: string, role: WorkspaceRole): Promise<void> {
  await unwrap(supabase.rpc('change_member_role', { p_membership_id: membershipId, p_role: role }))
}

export async function deactivateMember(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('deactivate_member', { p_membership_id: membershipId }))
}

export async function reactivateMember(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('reactivate_member', { p_membership_id: membershipId }))
}

/** A suspension as the admin asked for it: until a date (null: until lifted), and why. */
export interface SuspendRequest {
  until: Date | null
  reason: string | null
}

export async function suspendMember(
  membershipId: string,
  until: Date | null,
  reason: string | null,
): Promise<void> {
  await unwrap(
    supabase.rpc('suspend_member', {
      p_membership_id: membershipId,
      ...(until ? { p_until: until.toISOString() } : {}),
      ...(reason ? { p_reason: reason } : {}),
    }),
  )
}

export async function liftSuspension(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('lift_suspension', { p_membership_id: membershipId }))
}

export async function removeMember(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('remove_member', { p_membership_id: membershipId }))
}

/** Renews the invitation and mails a new link (src/api/invitations.ts, the edge function). */
export async function resendInvitation(membershipId: string): Promise<void> {
  await resendInvitationMails([membershipId])
}

export async function revokeInvitation(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('revoke_invitation', { p_membership_id: membershipId }))
}

// ---- bulk actions: all or nothing; the first refusal names its member ---------------------

export async function deactivateMembers(membershipIds: string[]): Promise<void> {
  await unwrap(supabase.rpc('deactivate_members', { p_membership_ids: membershipIds }))
}

export async function changeMembersRole(
  membershipIds: string[],
  role: WorkspaceRole,
): Promise<void> {
  await unwrap(
    supabase.rpc('change_members_role', { p_membership_ids: membershipIds, p_role: role }),
  )
}

export async function resendInvitations(membershipIds: string[]): Promise<void> {
  await resendInvitationMails(membershipIds)
}

/** Which members have a verified TOTP factor, by user id (needs members.manage). */
export async function memberMfaStatus(workspaceId: string): Promise<Map<string, boolean>> {
  const rows = await unwrap(supabase.rpc('member_mfa_status', { p_workspace_id: workspaceId }))
  return new Map((rows ?? []).map((r) => [r.user_id, r.totp_enrolled]))
}

export interface InviteResult {
  invited: string[]
  failed: { email: string; reason: string; code?: string }[]
}

/** Sends invitations through the `invite-members` edge function (it holds the service role). */
export async function inviteMembers(
  workspaceId: string,
  emails: string[],
  role: WorkspaceRole,
): Promise<InviteResult> {
  const { data, error } = await supabase.functions.invoke<InviteResult>('invite-members', {
    body: { workspaceId, emails, role },
  })
  if (error) {
    if (error instanceof FunctionsHttpError) {
      const body: unknown = await (error.context as Response).json().catch(() => null)
      const b = (body ?? {}) as { message?: string; error?: string; code?: string; hint?: string }
      const message = b.message ?? b.error
      if (message)
        throw new AppError(message, b.hint ?? b.code ?? 'invite_failed', error.context.status)
    }
    throw toAppError(error)
  }
  return { invited: data?.invited ?? [], failed: data?.failed ?? [] }
}

/** Seats in use: memberships that are not inactive (the database's seat-limit rule). */
export async function countSeatsInUse(workspaceId: string): Promise<number> {
  const { count, error } = await supabase
    .from('memberships')
    .select('id', { count: 'exact', head: true })
    .eq('workspace_id', workspaceId)
    .neq('status', 'inactive')
  if (error) throw toAppError(error)
  return count ?? 0
}
