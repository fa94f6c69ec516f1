// What the benchmark measures: the reads and writes of the Users, Activity and Assets pages,
// described once and run through supabase-js (as the admin and as the service role) and as
// plain SQL (the floor). `ctx` comes from scripts/bench.mjs (ids looked up in the bench data).

// Columns the SPA's activity page selects (src/api/activity.ts).
export const ACTIVITY_COLUMNS =
  'id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, subject_user_id, before, after, ip, user_agent, prev_hash, hash'

const SEARCH_TERMS = ['mar', 'schmidt', 'li', 'anna.k', 'tanaka', 'zz-nobody']
const rotate = (xs) => (i) => xs[i % xs.length]

/** @returns {Array<{id: string, group: string, label: string, goalMs?: number, read?: object}>} */
export function readCases(ctx) {
  const ws = ctx.workspaceId
  const members = (over) => ({
    table: 'member_directory',
    select: '*',
    count: 'exact', // the SPA shows "N members" (src/api/members.ts)
    limit: 50,
    // src/api/members.ts: .order(field, { nullsFirst: false }).order('id', { ascending: true })
    order: [
      ['last_active_at', 'desc', 'nullslast'],
      ['id', 'asc'],
    ],
    ...over,
    filters: [['eq', 'workspace_id', ws], ...(over?.filters ?? [])],
  })
  const activity = (over) => ({
    table: 'activity_log',
    select: ACTIVITY_COLUMNS,
    count: null,
    limit: 50,
    order: [['id', 'desc']],
    ...over,
    filters: [['eq', 'workspace_id', ws], ...(over?.filters ?? [])],
  })
  const byTime = [
    ['occurred_at', 'desc'],
    ['id', 'desc'],
  ]
  const cursor = rotate(ctx.deepCursors)
  const rangeCursor = rotate(ctx.rangeCursors)

  return [
    // ----- Users page: member_directory, 50 rows, sorted by last activity
    {
      id: 'members.page',
      group: 'members',
      goalMs: 15,
      label: 'members: first page, sort last_active_at desc',
      read: members(),
    },
    {
      id: 'members.filter',
      group: 'members',
      goalMs: 15,
      label: 'members: status=active, role=member',
      read: members({
        filters: [
          ['eq', 'effective_status', 'active'],
          ['eq', 'role', 'member'],
        ],
      }),
    },
    {
      id: 'members.search',
      group: 'members',
      goalMs: 15,
      label: 'members: search name/email (ilike)',
      read: members({ search: { columns: ['full_name', 'email'], text: rotate(SEARCH_TERMS) } }),
    },
    {
      id: 'members.filter_search',
      group: 'members',
      goalMs: 15,
      label: 'members: status+role+search',
      read: members({
        filters: [
          ['eq', 'effective_status', 'active'],
          ['eq', 'role', 'viewer'],
        ],
        search: { columns: ['full_name', 'email'], text: rotate(SEARCH_TERMS) },
      }),
    },
    {
      id: 'members.page100',
      group: 'members',
      goalMs: 15,
      label: 'members: page 100 (offset 4950)',
      read: members({ offset: 4950 }),
    },
    // Proposed: filter on the stored status (lift_expired_suspensions() updates it every 5 minutes)
    // rather than the computed effective_status, whose selectivity the planner cannot estimate.
    {
      id: 'proposal.members_status',
      group: 'members-proposal',
      goalMs: 15,
      label: 'proposal: members status=active (column), role=member',
      read: members({
        filters: [
          ['eq', 'status', 'active'],
          ['eq', 'role', 'member'],
        ],
      }),
    },

    // ----- Activity page at 1M rows: newest first, keyset on id
    {
      id: 'activity.first',
      group: 'activity',
      goalMs: 30,
      label: 'activity: first page',
      read: activity(),
    },
    {
      id: 'activity.actor',
      group: 'activity',
      goalMs: 30,
      label: `activity: actor = busy admin (${ctx.actorRows} rows)`,
      read: activity({ filters: [['eq', 'actor_id', ctx.busyActorId]] }),
    },
    {
      id: 'activity.actor_quiet',
      group: 'activity',
      goalMs: 30,
      label: `activity: actor = quiet member (${ctx.quietActorRows} rows)`,
      read: activity({ filters: [['eq', 'actor_id', ctx.quietActorId]] }),
    },
    {
      id: 'activity.actor_email',
      group: 'activity',
      goalMs: 30,
      label: 'activity: actor email contains (ilike)',
      read: activity({
        search: { columns: ['actor_email'], text: rotate(['kowalski', 'admin@', 'tanaka.4']) },
      }),
    },
    {
      id: 'activity.action',
      group: 'activity',
      goalMs: 30,
      label: 'activity: action = member.role_changed',
      read: activity({ filters: [['eq', 'action', 'member.role_changed']] }),
    },
    {
      id: 'activity.range',
      group: 'activity',
      goalMs: 30,
      label: 'activity: 30-day range one year ago',
      read: activity({
        filters: [
          ['gte', 'occurred_at', ctx.rangeFrom],
          ['lt', 'occurred_at', ctx.rangeTo],
        ],
      }),
    },
    {
      id: 'activity.combo',
      group: 'activity',
      goalMs: 30,
      label: 'activity: actor + action + 90 days',
      read: activity({
        filters: [
          ['eq', 'actor_id', ctx.busyActorId],
          ['eq', 'action', 'asset.updated'],
          ['gte', 'occurred_at', ctx.comboFrom],
          ['lt', 'occurred_at', ctx.comboTo],
        ],
      }),
    },
    {
      id: 'activity.deep_keyset',
      group: 'activity',
      goalMs: 30,
      label: 'activity: deep page, keyset id < cursor (~row 500k)',
      read: activity({ filters: [['lt', 'id', cursor]] }),
    },
    {
      id: 'activity.range_deep_keyset',
      group: 'activity',
      goalMs: 30,
      label: 'activity: 30-day range, keyset inside it',
      read: activity({
        filters: [
          ['gte', 'occurred_at', ctx.rangeFrom],
          ['lt', 'occurred_at', ctx.rangeTo],
          ['lt', 'id', rangeCursor],
        ],
      }),
    },
    {
      id: 'activity.spa_count',
      group: 'activity',
      goalMs: 30,
      label: 'activity: first page + count=exact (SPA today)',
      read: activity({ count: 'exact' }),
    },

    // ----- Proposed shape (docs/benchmarks.md): newest first by (occurred_at, id), keyset on
    // the pair, and an estimated count. Same filters; reported beside the current shape.
    {
      id: 'proposal.time_first',
      group: 'activity-proposal',
      goalMs: 30,
      label: 'proposal: first page, order occurred_at,id',
      read: activity({ order: byTime }),
    },
    {
      id: 'proposal.time_range',
      group: 'activity-proposal',
      goalMs: 30,
      label: 'proposal: 30-day range, order occurred_at,id',
      read: activity({
        order: byTime,
        filters: [
          ['gte', 'occurred_at', ctx.rangeFrom],
          ['lt', 'occurred_at', ctx.rangeTo],
        ],
      }),
    },
    {
      id: 'proposal.time_range_deep',
      group: 'activity-proposal',
      goalMs: 30,
      label: 'proposal: 30-day range, keyset (occurred_at,id)',
      read: activity({
        order: byTime,
        filters: [
          ['gte', 'occurred_at', ctx.rangeFrom],
          ['before', 'occurred_at', rotate(ctx.rangeTimeCursors)],
        ],
      }),
    },
    {
      id: 'proposal.time_deep',
      group: 'activity-proposal',
      goalMs: 30,
      label: 'proposal: deep page, keyset (occurred_at,id)',
      read: activity({
        order: byTime,
        filters: [['before', 'occurred_at', rotate(ctx.deepTimeCursors)]],
      }),
    },
    {
      id: 'proposal.time_actor',
      group: 'activity-proposal',
      goalMs: 30,
      label: 'proposal: actor = busy admin, order occurred_at,id',
      read: activity({ order: byTime, filters: [['eq', 'actor_id', ctx.busyActorId]] }),
    },
    {
      id: 'proposal.time_action',
      group: 'activity-proposal',
      goalMs: 30,
      label: 'proposal: action = member.role_changed, by time',
      read: activity({ order: byTime, filters: [['eq', 'action', 'member.role_changed']] }),
    },
    {
      id: 'proposal.count_estimated',
      group: 'activity-proposal',
      goalMs: 30,
      label: 'proposal: first page + count=estimated',
      read: activity({ count: 'estimated' }),
    },

    {
      id: 'activity.offset_5k',
      group: 'activity-offset',
      label: 'activity: offset 5,000 (page 101)',
      read: activity({ offset: 5000 }),
    },
    {
      id: 'activity.offset_500k',
      group: 'activity-offset',
      label: 'activity: offset 500,000 (page 10,001)',
      read: activity({ offset: 500000 }),
    },

    // ----- Whole-list loads the SPA makes today (no paging; PostgREST stops at db-max-rows 10,000)
    {
      id: 'spa.assets_list',
      group: 'spa',
      label: 'Assets page: listAssets (all rows, capped at 10,000)',
      read: {
        table: 'assets',
        select: '*',
        count: null,
        limit: 10000,
        apiLimit: false,
        order: [['asset_tag', 'asc']],
        filters: [['eq', 'workspace_id', ws]],
      },
    },
    {
      id: 'spa.all_members',
      group: 'spa',
      label: 'Assets/Licences pages: listAllMembers (10,000 rows)',
      read: {
        table: 'member_directory',
        select: '*',
        count: null,
        limit: 10000,
        apiLimit: false,
        order: [['last_active_at', 'asc', 'nullsfirst']],
        filters: [['eq', 'workspace_id', ws]],
      },
    },
  ]
}
