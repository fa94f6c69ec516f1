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

/**
 * Records the review. The database counts the members flagged and the members this reviewer
 * deactivated since the previous review itself; the SPA sends only the notes.
 */
export async function completeAccessReview(
  workspaceId: string,
  notes: string | null,
): Promise<AccessReview> {
  return unwrap(
    supabase.rpc('complete_access_review', {
      p_workspace_id: workspaceId,
      ...(notes ? { p_notes: notes } : {}),
    }),
  )
}

/** The review's idle rule, as the database defines it: threshold and who it flags. */
export interface ReviewRule {
  idleDays: number
  /** Membership ids the rule flags now. */
  flagged: Set<string>
}

export async function reviewRule(workspaceId: string): Promise<ReviewRule> {
  const [rule, flags] = await Promise.all([
    unwrap(supabase.rpc('access_review_rule')),
    unwrap(supabase.rpc('access_review_flags', { p_workspace_id: workspaceId })),
  ])
  return {
    idleDays: rule?.[0]?.idle_days ?? 0,
    flagged: new Set((flags ?? []).filter((f) => f.flagged).map((f) => f.membership_id)),
  }
}
