// The Users page's directory reads (member_directory, 50 rows, sorted by last activity): first
// page, filters, search, a deep page, and the proposed filter on the stored status.
import type { BenchContext } from '../context.ts'
import { rotate, type Read, type ReadCase } from '../lib.ts'
import { measureReads } from './reads.ts'
import type { Session } from './session.ts'

export const SEARCH_TERMS = ['mar', 'schmidt', 'li', 'anna.k', 'tanaka', 'zz-nobody']

export function memberCases(ctx: BenchContext): ReadCase[] {
  const members = (over: Partial<Read> = {}): Read => ({
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
    filters: [['eq', 'workspace_id', ctx.workspaceId], ...(over.filters ?? [])],
  })
  return [
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
  ]
}

/** `--only=members` */
export const members = (s: Session): Promise<void> => measureReads(s, memberCases(s.ctx))
