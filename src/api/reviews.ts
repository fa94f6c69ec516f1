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
 * Records the review. The database counts the members flagged for the chosen idle period and the
 * members this reviewer deactivated since the previous review itself; the SPA sends the notes, the
 * period and a keep or remove decision per flagged member ("remove" deactivates, in the same
 * transaction).
 */
export async function completeAccessReview(
  workspaceId: string,
  notes: string | null,
  idleDays: number,
  decisions: Readonly<Record<string, 'keep' | 'remove'>> = {},
): Promise<AccessReview> {
  return unwrap(
    supabase.rpc('complete_access_review', {
      p_workspace_id: workspaceId,
      p_idle_days: idleDays,
      ...(notes ? { p_notes: notes } : {}),
      p_decisions: Object.entries(decisions).map(([membership_id, decision]) => ({
        membership_id,
        decision,
      })),
    }),
  )
}

/** The review's idle periods, as the database defines them: the default and the presets. */
export interface ReviewPeriods {
  idleDays: number
  presets: number[]
}

export async function reviewPeriods(): Promise<ReviewPeriods> {
  const rule = await unwrap(supabase.rpc('access_review_rule'))
  return { idleDays: rule?.[0]?.idle_days ?? 0, presets: rule?.[0]?.presets ?? [] }
}

/** Membership ids the database's idle rule flags now for an idle period of `idleDays`. */
export async function reviewFlags(workspaceId: string, idleDays: number): Promise<Set<string>> {
  const flags = await unwrap(
    supabase.rpc('access_review_flags', { p_workspace_id: workspaceId, p_idle_days: idleDays }),
  )
  return new Set((flags ?? []).filter((f) => f.flagged).map((f) => f.membership_id))
}
