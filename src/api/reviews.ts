import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Tables } from '@/types/database.types'

export type AccessReview = Tables<'access_reviews'>

export async function lastReview(workspaceId: string): Promise<AccessReview | null> {
  return unwrap(
    supabase
      .from('access_reviews')
      .select('*')
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
