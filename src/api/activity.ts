import { unwrap, unwrapWithCount } from '@/lib/errors'
import { escapeLike } from '@/lib/postgrest'
import { supabase } from '@/lib/supabase'
import type { Database, Json, Tables } from '@/types/database.types'

export type ActivityRow = Tables<'activity_log'>
export type ActivityAlert = Database['public']['Functions']['activity_alerts']['Returns'][number]

export interface ActivityFilter {
  workspaceId: string
  /** Matches the actor's email snapshot (substring). */
  actor?: string | null
  /** Exact actor id. */
  actorId?: string | null
  /** Rows done by or to this user (actor or subject), for a member's history. */
  involvingUserId?: string | null
  action?: string | null
  entityType?: string | null
  entityId?: string | null
  from?: Date | null
  /** Inclusive day: rows before the end of this day. */
  to?: Date | null
}

const COLUMNS =
  'id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, subject_user_id, before, after, ip, user_agent, prev_hash, hash'

function endOfDay(day: Date): Date {
  const end = new Date(day)
  end.setHours(24, 0, 0, 0)
  return end
}

function filtered(f: ActivityFilter, count?: 'exact') {
  let query = supabase
    .from('activity_log')
    .select(COLUMNS, count ? { count } : undefined)
    .eq('workspace_id', f.workspaceId)
  if (f.actorId) query = query.eq('actor_id', f.actorId)
  if (f.involvingUserId) {
    const id = f.involvingUserId.replace(/[^0-9a-f-]/gi, '')
    query = query.or(`actor_id.eq.${id},subject_user_id.eq.${id}`)
  }
  if (f.actor?.trim()) query = query.ilike('actor_email', `%${escapeLike(f.actor.trim())}%`)
  if (f.action) query = query.eq('action', f.action)
  if (f.entityType) query = query.eq('entity_type', f.entityType)
  if (f.entityId) query = query.eq('entity_id', f.entityId)
  if (f.from) query = query.gte('occurred_at', f.from.toISOString())
  if (f.to) query = query.lt('occurred_at', endOfDay(f.to).toISOString())
  return query.order('id', { ascending: false })
}

/** One page of the log, newest first, with the total count of the filtered set. */
export async function listActivity(
  f: ActivityFilter,
  first: number,
  rows: number,
): Promise<{ rows: ActivityRow[]; total: number }> {
  return unwrapWithCount(filtered(f, 'exact').range(first, first + rows - 1))
}

/**
 * The next chunk of the filtered set for export, by keyset (id below `beforeId`) so the pages
 * stay consistent while new rows are appended.
 */
export async function activityChunk(
  f: ActivityFilter,
  beforeId: number | null,
  size: number,
): Promise<ActivityRow[]> {
  let query = filtered(f)
  if (beforeId !== null) query = query.lt('id', beforeId)
  return unwrap(query.limit(size))
}

export async function countActivity(f: ActivityFilter): Promise<number> {
  return (await unwrapWithCount(filtered(f, 'exact').limit(1))).total
}

export interface IntegrityResult {
  ok: boolean
  rows_checked: number
  first_bad_id: number | null
  /** Only when checked against a checkpoint: whether it still holds, and what is wrong. */
  checkpoint_ok?: boolean
  problem?: string | null
}

/**
 * A checkpoint of the workspace's chain head (last id, its hash, rows up to it, time). Kept
 * outside the database (every export carries one), it later shows a rewritten or truncated log.
 */
export type ActivityCheckpoint =
  Database['public']['Functions']['activity_checkpoint']['Returns'][number]

export async function activityCheckpoint(workspaceId: string): Promise<ActivityCheckpoint | null> {
  const rows = await unwrap(supabase.rpc('activity_checkpoint', { p_workspace_id: workspaceId }))
  return rows?.[0] ?? null
}

/** Recomputes the chain and checks it against a checkpoint kept earlier. */
export async function verifyAgainstCheckpoint(
  workspaceId: string,
  checkpoint: ActivityCheckpoint,
): Promise<IntegrityResult> {
  const rows = await unwrap(
    supabase.rpc('verify_activity_log', {
      p_workspace_id: workspaceId,
      p_checkpoint: checkpoint as unknown as Json,
    }),
  )
  return rows?.[0] ?? { ok: false, rows_checked: 0, first_bad_id: null, problem: 'unknown' }
}

export async function verifyActivityLog(workspaceId: string): Promise<IntegrityResult> {
  const rows = await unwrap(supabase.rpc('verify_activity_log', { p_workspace_id: workspaceId }))
  return rows?.[0] ?? { ok: true, rows_checked: 0, first_bad_id: null }
}

/** Counts of actions since a date, for the reports page. */
export async function recentActions(
  workspaceId: string,
  since: Date,
): Promise<Pick<ActivityRow, 'action' | 'occurred_at'>[]> {
  return unwrap(
    supabase
      .from('activity_log')
      .select('action, occurred_at')
      .eq('workspace_id', workspaceId)
      .gte('occurred_at', since.toISOString())
      .order('id', { ascending: false })
      .limit(5000),
  )
}

/** Bursts of deletions, role changes or failed sign-ins in the last 24 hours (activity.view). */
export async function activityAlerts(workspaceId: string): Promise<ActivityAlert[]> {
  return (await unwrap(supabase.rpc('activity_alerts', { p_workspace_id: workspaceId }))) ?? []
}
