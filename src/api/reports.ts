import { AppError, unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'

/** The Reports page's figures, counted in the database over every row (workspace_report). */
export interface WorkspaceReport {
  /** Members by role; null without members.view. */
  members_by_role: Record<string, number> | null
  /** Members by effective status; null without members.view. */
  members_by_status: Record<string, number> | null
  /** Assets by status; null without assets.view. */
  assets_by_status: Record<string, number> | null
  /** Activity entries per local day (YYYY-MM-DD) in the range; null without activity.view. */
  activity_per_day: { day: string; count: number }[] | null
}

/** The browser's IANA time zone, so that days are the user's days. */
function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** Counts for the Reports page for activity in [from, to). */
export async function workspaceReport(
  workspaceId: string,
  from: Date,
  to: Date,
): Promise<WorkspaceReport> {
  const data = await unwrap(
    supabase.rpc('workspace_report', {
      p_workspace_id: workspaceId,
      p_from: from.toISOString(),
      p_to: to.toISOString(),
      p_time_zone: timeZone(),
    }),
  )
  if (!data || typeof data !== 'object') throw new AppError('The report came back empty.', 'empty')
  return data as unknown as WorkspaceReport
}
