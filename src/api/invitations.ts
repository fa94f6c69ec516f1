import { AppError, unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Database } from '@/types/database.types'

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
