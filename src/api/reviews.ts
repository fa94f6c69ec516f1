import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Tables } from '@/types/database.types'

export type AccessReview = Tables<'access_reviews'>
/** A review with who completed it (null when their profile is gone or not visible). */
export type ReviewWithReviewer = AccessReview & {
  reviewer: { full_name: string | null; email: string } | null
}

export async function lastReview(workspaceId: string): Promise<ReviewWithReviewer | null> {
  return unwrap(
    supabase
      .from('access_reviews')
      .select('*, reviewer:profiles!access_reviews_reviewer_id_fkey(full_name, email)')
      .eq('workspace_id', workspaceId)
      .order('completed_at', { ascending: false })
      .limit(1)
      .maybeSingle(),
  )
}

export async function completeAccessReview(
  workspaceId: string,
  notes: string | null,
  deactivated: number,
): Promise<AccessReview> {
  return unwrap(
    supabase.rpc('complete_access_review', {
      p_workspace_id: workspaceId,
      p_deactivated: deactivated,
      ...(notes ? { p_notes: notes } : {}),
    }),
  )
}
