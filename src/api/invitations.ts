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

/** The workspace's headcount, as every page states it (public.workspace_headcount). */
export interface Seats {
  /** People who joined and keep their seat: active or suspended. */
  members: number
  /** Invitations not yet accepted (each holds a seat). */
  invitationsPending: number
  /** Deactivated people: listed under Members, no seat. */
  deactivated: number
  /** Seats counted against the plan: members + invitations pending. */
  inUse: number
  /** The plan's limit, or null when unlimited. */
  limit: number | null
  /** Members (active or suspended) per role. */
  byRole: Record<WorkspaceRole, number>
}

/**
 * The headcount for "7 members · 6 invitations pending · 13 of 50 seats" (Users header, Roles
 * cards, Reports, Billing): one definition in the database (`workspace_headcount`).
 */
export async function seatUsage(workspaceId: string): Promise<Seats> {
  const rows = await unwrap(supabase.rpc('workspace_headcount', { p_workspace_id: workspaceId }))
  const out: Seats = {
    members: 0,
    invitationsPending: 0,
    deactivated: 0,
    inUse: 0,
    limit: null,
    byRole: { owner: 0, admin: 0, member: 0, viewer: 0 },
  }
  for (const r of rows ?? []) {
    out.members += r.members
    out.invitationsPending += r.invitations_pending
    out.deactivated += r.deactivated
    out.limit = r.seat_limit ?? null
    out.byRole[r.role] = r.members
  }
  out.inUse = out.members + out.invitationsPending
  return out
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
    state: 'pending' | 'expired' | 'withdrawn' | 'replaced' | 'used' | 'unknown'
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
/**
 * From an expired or withdrawn invitation's page: ask the inviter for a new invitation (the
 * invitation-link edge function → `request_new_invitation`: a row under Invitations, logged).
 */
export async function askForNewInvitation(
  workspaceId: string,
  tokenHash: string,
): Promise<{ inviterName: string | null; alreadyAsked: boolean }> {
  const r = await invokeFunction<{ inviter_name: string | null; already_asked: boolean }>(
    'invitation-link',
    { action: 'ask', workspaceId, tokenHash },
    'ask_failed',
  )
  return { inviterName: r.inviter_name, alreadyAsked: r.already_asked }
}

export type InvitationRequest = Database['public']['Tables']['invitation_requests']['Row']

/** People who asked for a new invitation (Invitations tab; members.invite), newest first. */
export async function listInvitationRequests(workspaceId: string): Promise<InvitationRequest[]> {
  return unwrap(
    supabase
      .from('invitation_requests')
      .select('*')
      .eq('workspace_id', workspaceId)
      .order('requested_at', { ascending: false })
      .limit(100),
  )
}

export async function dismissInvitationRequest(requestId: string): Promise<void> {
  await unwrap(supabase.rpc('dismiss_invitation_request', { p_request_id: requestId }))
}

export async function requestNewInvitationLink(
  workspaceId: string,
  by: { tokenHash?: string; email?: string },
): Promise<void> {
  await invokeFunction('invitation-link', { workspaceId, ...by }, 'link_failed')
}
