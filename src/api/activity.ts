import { toAppError, unwrap } from '@/lib/errors'
import { supabase, supabaseKey, supabaseUrl } from '@/lib/supabase'
import { ACTIVITY_COLUMNS } from './activityColumns'
import type { Database, Json, Tables } from '@/types/database.types'

/**
 * A row as the Activity page uses it: everything but the chain hashes, which only the integrity
 * check (verify_activity_log, in the database) needs. The request still carries them (`*` is
 * cheaper for PostgREST than a column list: activityColumns.ts).
 */
export type ActivityRow = Omit<Tables<'activity_log'>, 'prev_hash' | 'hash'>
export type ActivityAlert = Database['public']['Functions']['activity_alerts']['Returns'][number]

export interface ActivityFilter {
  workspaceId: string
  /**
   * Text typed in the actor box. The page resolves it to members of the directory (`actorIds`);
   * what reaches the query is an exact email match of the actor's snapshot, for people who are
   * no longer in the directory. (A substring search of the log cannot use an index under RLS.)
   */
  actor?: string | null
  /** Exact actor id. */
  actorId?: string | null
  /** Any of these actors (members whose name or email matched the actor box; at most 50). */
  actorIds?: string[] | null
  /** Rows done by or to this user (actor or subject), for a member's history. */
  involvingUserId?: string | null
  action?: string | null
  entityType?: string | null
  entityId?: string | null
  from?: Date | null
  /** Inclusive day: rows before the end of this day. */
  to?: Date | null
}

/** Where a page ends: the last row's time (as PostgREST returned it, microseconds kept) and id. */
export interface ActivityCursor {
  at: string
  id: number
}

export interface ActivityPage {
  rows: ActivityRow[]
  /** Cursor of the next (older) page, or null on the last page. */
  next: ActivityCursor | null
}

/** The Activity page counts exactly up to this many rows, then shows "10,000+". */
export const EXACT_COUNT_LIMIT = 10000

function endOfDay(day: Date): Date {
  const end = new Date(day)
  end.setHours(24, 0, 0, 0)
  return end
}

const uuidOnly = (id: string) => id.replace(/[^0-9a-f-]/gi, '')

/** Several people, or a member's history: served by the activity_of_people RPC. */
function needsPeopleRpc(f: ActivityFilter): boolean {
  return !!f.involvingUserId || (f.actorIds?.length ?? 0) > 1
}

function people(f: ActivityFilter): string[] {
  if (f.involvingUserId) return [f.involvingUserId]
  return [...(f.actorIds ?? []), ...(f.actorId ? [f.actorId] : [])]
}

function filtered(f: ActivityFilter, order: 'time' | 'id') {
  let query = supabase
    .from('activity_log')
    .select(ACTIVITY_COLUMNS)
    .eq('workspace_id', f.workspaceId)
  const ids = [...(f.actorIds ?? []), ...(f.actorId ? [f.actorId] : [])]
  if (ids.length === 1) query = query.eq('actor_id', ids[0]!)
  else if (ids.length > 1) query = query.in('actor_id', ids)
  if (f.involvingUserId) {
    const id = uuidOnly(f.involvingUserId)
    query = query.or(`actor_id.eq.${id},subject_user_id.eq.${id}`)
  }
  if (f.actor?.trim()) query = query.eq('actor_email', f.actor.trim().toLowerCase())
  if (f.action) query = query.eq('action', f.action)
  if (f.entityType) query = query.eq('entity_type', f.entityType)
  if (f.entityId) query = query.eq('entity_id', f.entityId)
  if (f.from) query = query.gte('occurred_at', f.from.toISOString())
  if (f.to) query = query.lt('occurred_at', endOfDay(f.to).toISOString())
  return order === 'time'
    ? query.order('occurred_at', { ascending: false }).order('id', { ascending: false })
    : query.order('id', { ascending: false })
}

/**
 * One page of the log, newest first by (occurred_at, id), starting after `after` (keyset: every
 * page costs the same at any depth). No count: ask `countActivityCapped` once per filter change.
 */
export async function listActivity(
  f: ActivityFilter,
  page: { rows: number; after?: ActivityCursor | null },
): Promise<ActivityPage> {
  const size = page.rows
  const after = page.after ?? null
  let rows: ActivityRow[]
  if (needsPeopleRpc(f)) {
    rows =
      (await unwrap(
        supabase.rpc('activity_of_people', {
          p_workspace_id: f.workspaceId,
          p_user_ids: people(f),
          p_include_subject: !!f.involvingUserId,
          p_limit: size + 1,
          ...(f.action ? { p_action: f.action } : {}),
          ...(f.entityType ? { p_entity_type: f.entityType } : {}),
          ...(f.from ? { p_from: f.from.toISOString() } : {}),
          ...(f.to ? { p_to: endOfDay(f.to).toISOString() } : {}),
          ...(after ? { p_before_at: after.at, p_before_id: after.id } : {}),
        }),
      )) ?? []
  } else {
    let query = filtered(f, 'time')
    if (after) {
      // occurred_at <= t and (occurred_at < t or id < last id): the first part bounds the index range
      query = query
        .lte('occurred_at', after.at)
        .or(`occurred_at.lt."${after.at}",id.lt.${Math.trunc(after.id)}`)
    }
    rows = await unwrap(query.limit(size + 1))
  }
  const more = rows.length > size
  const shown = more ? rows.slice(0, size) : rows
  const last = shown.at(-1)
  return { rows: shown, next: more && last ? { at: last.occurred_at, id: last.id } : null }
}

/**
 * How many rows match, exactly up to `cap` (10,000): `capped` means "more than `total`", shown
 * as "10,000+". Reads at most cap + 1 index entries (activity_count), never the whole log.
 */
export async function countActivityCapped(
  f: ActivityFilter,
  cap = EXACT_COUNT_LIMIT,
): Promise<{ total: number; capped: boolean }> {
  const ids = people(f)
  const rows = await unwrap(
    supabase.rpc('activity_count', {
      p_workspace_id: f.workspaceId,
      p_cap: cap,
      ...(ids.length ? { p_user_ids: ids, p_include_subject: !!f.involvingUserId } : {}),
      ...(f.actor?.trim() ? { p_actor_email: f.actor.trim().toLowerCase() } : {}),
      ...(f.action ? { p_action: f.action } : {}),
      ...(f.entityType ? { p_entity_type: f.entityType } : {}),
      ...(f.entityId ? { p_entity_id: f.entityId } : {}),
      ...(f.from ? { p_from: f.from.toISOString() } : {}),
      ...(f.to ? { p_to: endOfDay(f.to).toISOString() } : {}),
    }),
  )
  const r = rows?.[0]
  return { total: Number(r?.total ?? 0), capped: !!r?.capped }
}

/** The workspace's first activity id (the bottom of an export's id range); null when empty. */
export async function lowestActivityId(workspaceId: string): Promise<number | null> {
  const rows = await unwrap(
    supabase
      .from('activity_log')
      .select('id')
      .eq('workspace_id', workspaceId)
      .order('id', { ascending: true })
      .limit(1),
  )
  return rows[0]?.id ?? null
}

/**
 * One page of an export as the file's own text (activity_export_page: CSV lines or JSON objects,
 * newest first, rows with aboveId < id <= upToId that match the filter), as a stream to copy into
 * the file unparsed. Asked with fetch, not supabase-js, whose rpc() reads the whole body as JSON.
 */
export async function activityExportPage(
  f: ActivityFilter,
  format: 'csv' | 'json',
  upToId: number,
  aboveId: number,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array> | null> {
  const { data } = await supabase.auth.getSession()
  const ids = people(f)
  const args: Database['public']['Functions']['activity_export_page']['Args'] = {
    p_workspace_id: f.workspaceId,
    p_format: format,
    p_up_to_id: upToId,
    p_above_id: aboveId,
    ...(ids.length ? { p_user_ids: ids, p_include_subject: !!f.involvingUserId } : {}),
    ...(f.actor?.trim() ? { p_actor_email: f.actor.trim().toLowerCase() } : {}),
    ...(f.action ? { p_action: f.action } : {}),
    ...(f.entityType ? { p_entity_type: f.entityType } : {}),
    ...(f.entityId ? { p_entity_id: f.entityId } : {}),
    ...(f.from ? { p_from: f.from.toISOString() } : {}),
    ...(f.to ? { p_to: endOfDay(f.to).toISOString() } : {}),
  }
  const res = await fetch(`${supabaseUrl}/rest/v1/rpc/activity_export_page`, {
    method: 'POST',
    headers: {
      apikey: supabaseKey,
      Authorization: `Bearer ${data.session?.access_token ?? supabaseKey}`,
      Accept: 'text/plain',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(args),
    signal,
  }).catch((err: unknown) => {
    throw signal?.aborted ? err : toAppError(err)
  })
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => ({ message: res.statusText }))
    throw toAppError({ ...(body as object), status: res.status })
  }
  return res.body
}

/** Rows to export, for the progress bar: exact up to 100,000 (then "100,000+"). */
export async function countActivity(f: ActivityFilter): Promise<number> {
  return (await countActivityCapped(f, 100000)).total
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

interface VerifyRow {
  ok: boolean
  rows_checked: number
  first_bad_id: number | null
  last_id: number | null
}

/** Rows per verify_activity_log call: ~0.3 s each at Bench Corp, inside the 8 s statement timeout even on a busy server. */
export const VERIFY_CHUNK = 50000

/**
 * Recomputes the workspace's hash chain in chunks (each call checks the chunk's first row against
 * the stored hash before it, so the chunks together check the whole chain), reporting progress.
 */
export async function verifyActivityLog(
  workspaceId: string,
  opts: {
    chunk?: number
    onProgress?: (checked: number) => void
    signal?: AbortSignal
  } = {},
): Promise<IntegrityResult> {
  const chunk = opts.chunk ?? VERIFY_CHUNK
  let after: number | null = null
  let checked = 0
  for (;;) {
    opts.signal?.throwIfAborted()
    const rows: VerifyRow[] | null = await unwrap(
      supabase.rpc('verify_activity_log', {
        p_workspace_id: workspaceId,
        p_limit: chunk,
        ...(after !== null ? { p_after_id: after } : {}),
      }),
    )
    const r: VerifyRow | null = rows?.[0] ?? null
    if (!r) return { ok: true, rows_checked: checked, first_bad_id: null }
    checked += Number(r.rows_checked)
    opts.onProgress?.(checked)
    if (!r.ok) return { ok: false, rows_checked: checked, first_bad_id: r.first_bad_id }
    if (Number(r.rows_checked) < chunk || r.last_id === null) {
      return { ok: true, rows_checked: checked, first_bad_id: null }
    }
    after = r.last_id
  }
}

/** Bursts of deletions, role changes or failed sign-ins in the last 24 hours (activity.view). */
export async function activityAlerts(workspaceId: string): Promise<ActivityAlert[]> {
  return (await unwrap(supabase.rpc('activity_alerts', { p_workspace_id: workspaceId }))) ?? []
}

export interface ActivityRetention {
  /** Days entries are kept; null = for ever. */
  retention_days: number | null
  kept_from: string | null
  rows_removed: number
  last_run: string | null
}

/** How long the workspace keeps its activity, and what the retention job last removed. */
export async function activityRetention(workspaceId: string): Promise<ActivityRetention | null> {
  const rows = await unwrap(
    supabase.rpc('activity_retention_status', { p_workspace_id: workspaceId }),
  )
  return (rows?.[0] as ActivityRetention | undefined) ?? null
}

/** The Owner sets how long activity is kept (30 to 3,650 days, or null for ever). */
export async function setActivityRetention(
  workspaceId: string,
  days: number | null,
): Promise<void> {
  await unwrap(
    supabase.rpc('set_activity_retention', {
      p_workspace_id: workspaceId,
      p_days: days as number,
    }),
  )
}
