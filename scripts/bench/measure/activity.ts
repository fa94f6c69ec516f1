// The Activity page's reads at 1M rows: newest first with keyset paging on id (filters, ranges,
// deep pages, the exact count), the proposed shape (order by occurred_at, id; keyset on the pair;
// an estimated count) beside it, and offset paging for comparison.
import type { BenchContext } from '../context.ts'
import { ACTIVITY_COLUMNS, rotate, type Order, type Read, type ReadCase } from '../lib.ts'
import { measureReads } from './reads.ts'
import type { Session } from './session.ts'

export function activityCases(ctx: BenchContext): ReadCase[] {
  const activity = (over: Partial<Read> = {}): Read => ({
    table: 'activity_log',
    select: ACTIVITY_COLUMNS,
    count: null,
    limit: 50,
    order: [['id', 'desc']],
    ...over,
    filters: [['eq', 'workspace_id', ctx.workspaceId], ...(over.filters ?? [])],
  })
  const byTime: Order[] = [
    ['occurred_at', 'desc'],
    ['id', 'desc'],
  ]
  const cursor = rotate(ctx.deepCursors)
  const rangeCursor = rotate(ctx.rangeCursors)

  return [
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
  ]
}

/** `--only=activity` */
export const activity = (s: Session): Promise<void> => measureReads(s, activityCases(s.ctx))
