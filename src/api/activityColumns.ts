/**
 * The columns the Activity page reads: every column of `activity_log` but the chain hashes, which
 * only the database's integrity check needs. Kept apart from `activity.ts` (which imports the
 * Supabase client) so the benchmarks send exactly the SPA's request (scripts/bench/lib.ts).
 */
export const ACTIVITY_COLUMNS =
  'id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, subject_user_id, subject_email, before, after, ip, user_agent'
