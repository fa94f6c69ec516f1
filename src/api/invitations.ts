import { FunctionsHttpError } from '@supabase/supabase-js'
import type { MemberRow } from '@/api/members'
import { AppError, toAppError, unwrap, unwrapWithCount } from '@/lib/errors'
import type { WorkspaceRole } from '@/lib/roles'
import { supabase } from '@/lib/supabase'
import type { Database } from '@/types/database.types'

// Every invitation call: sending, resending, revoking and listing them (members.invite /
// members.view), the seats they count against, then the invitee's side (the invitation behind a
// verified link, accept, decline) and what a mailed link leads to.

// ---- sending, resending, revoking ------------------------------------------------------------

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

export interface ResendResult {
  resent: string[]
  failed: { email: string; reason: string; code?: string }[]
}

/**
 * Renews pending invitations and mails each invitee a new link (the old one stops working),
 * through the `invite-members` edge function (1 to 100 per call). The renewal is all or nothing
 * in the database; the mails are reported per address (`resent`, `failed`). Throws when the
 * renewal is refused, or when no mail at all could be sent.
 */
export async function resendInvitations(membershipIds: string[]): Promise<ResendResult> {
  const data = await invokeFunction<ResendResult>(
    'invite-members',
    { action: 'resend', membershipIds },
    'resend_failed',
  )
  if (data.failed.length > 0 && data.resent.length === 0) {
    const first = data.failed[0]!
    throw new AppError(`${first.email}: ${first.reason}`, first.code ?? 'resend_failed')
  }
  return data
}

/**
 * Renews one invitation and mails the invitee a new link (the old one stops working).
 * Throws when the mail could not be sent.
 */
export async function resendInvitation(membershipId: string): Promise<void> {
  await resendInvitations([membershipId])
}

export async function revokeInvitation(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('revoke_invitation', { p_membership_id: membershipId }))
}

// ---- listing, and the seats they count against -----------------------------------------------

/** Pending invitations, newest first, with who invited and when they expire (members.view). */
export async function listPendingInvitations(
  workspaceId: string,
  limit = 200,
): Promise<{ rows: MemberRow[]; total: number }> {
  return unwrapWithCount(
    supabase
      .from('member_directory')
      .select('*', { count: 'exact' })
      .eq('workspace_id', workspaceId)
      .eq('status', 'pending')
      .order('invited_at', { ascending: false, nullsFirst: false })
      .limit(limit),
  )
}

export interface Seats {
  /** Members who are not pending and not inactive. */
  members: number
  /** Seats counted against the plan (every membership that is not inactive). */
  inUse: number
  /** The plan's limit, or null when unlimited. */
  limit: number | null
}

/**
 * Member count and seat usage for "42 of 50 seats" (Users page, Billing), counted by the
 * database's seat rule (`seat_usage`).
 */
export async function seatUsage(workspaceId: string): Promise<Seats> {
  const rows = await unwrap(supabase.rpc('seat_usage', { p_workspace_id: workspaceId }))
  const row = rows?.[0]
  return {
    members: row?.members ?? 0,
    inUse: row?.seats_in_use ?? 0,
    limit: row?.seat_limit ?? null,
  }
}

// ---- the invitee's side ----------------------------------------------------------------------

export type InvitationDetails =
  Database['public']['Functions']['invitation_details']['Returns'][number]

/** "Join <workspace> as <role>": only readable once the invitee's link has been verified. */
export async function invitationDetails(workspaceId: string): Promise<InvitationDetails> {
  const rows = await unwrap(supabase.rpc('invitation_details', { p_workspace_id: workspaceId }))
  const details = rows?.[0]
  if (!details) throw new AppError('This invitation no longer exists.', 'not_found')
  return details
}

/** Workspaces where the signed-in person has a pending invitation, newest first. */
export async function pendingInvitationWorkspaceIds(userId: string): Promise<string[]> {
  const rows = await unwrap(
    supabase
      .from('memberships')
      .select('workspace_id')
      .eq('user_id', userId)
      .eq('status', 'pending')
      .order('invited_at', { ascending: false }),
  )
  return rows.map((row) => row.workspace_id)
}

export async function acceptInvitation(workspaceId: string): Promise<void> {
  await unwrap(supabase.rpc('accept_invitation', { p_workspace_id: workspaceId }))
}

export async function declineInvitation(workspaceId: string): Promise<void> {
  await unwrap(supabase.rpc('decline_invitation', { p_workspace_id: workspaceId }))
}

// ---- links: what a mailed link leads to, and a new one ----------------------------------------

export type InvitationLinkState =
  Database['public']['Functions']['invitation_link_state']['Returns'][number] & {
    state: 'pending' | 'expired' | 'withdrawn' | 'unknown'
  }

/**
 * What the invitation behind a mailed link has become (pending, expired, withdrawn, or unknown:
 * used or replaced), read without spending the link: its token hash is the proof. Through the
 * `invitation-link` edge function (the database grants anon no function).
 */
export async function invitationLinkState(
  workspaceId: string,
  tokenHash: string,
): Promise<InvitationLinkState> {
  return invokeFunction<InvitationLinkState>(
    'invitation-link',
    { action: 'state', workspaceId, tokenHash },
    'lookup_failed',
  )
}

/** Calls an edge function; its `{code, message}` refusal becomes an AppError with that message. */
export async function invokeFunction<T>(
  name: string,
  body: Record<string, unknown>,
  fallbackCode: string,
): Promise<T> {
  const { data, error } = await supabase.functions.invoke<T>(name, { body })
  if (error) {
    if (error instanceof FunctionsHttpError) {
      const b = ((await (error.context as Response).json().catch(() => null)) ?? {}) as {
        message?: string
        code?: string
      }
      if (b.message) throw new AppError(b.message, b.code ?? fallbackCode, error.context.status)
    }
    throw toAppError(error)
  }
  return data as T
}

/**
 * Mails the invitee a new link for a still-valid invitation, found by the old link's token hash
 * or by their address (the `invitation-link` edge function; no sign-in needed).
 */
export async function requestNewInvitationLink(
  workspaceId: string,
  by: { tokenHash?: string; email?: string },
): Promise<void> {
  await invokeFunction('invitation-link', { workspaceId, ...by }, 'link_failed')
}
