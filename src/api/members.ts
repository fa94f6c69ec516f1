import { unwrap } from '@/lib/errors'
import type { MemberStatus, WorkspaceRole } from '@/lib/roles'
import { supabase } from '@/lib/supabase'
import type { Tables } from '@/types/database.types'

/**
 * A row of the directory. `actions` is the row's menu from the database's own guard
 * (`[{action, refusal, reason}]`, read with `rowActions` in src/lib/memberActions.ts); typed
 * `unknown` here because the generated recursive `Json` type is too deep for Vue's reactivity types.
 */
export type MemberRow = Omit<Tables<'member_directory'>, 'actions'> & { actions?: unknown }

/**
 * Columns the Users table can sort by. `last_active_at` is visible to members.manage only; for
 * others the database orders by name instead. (The inviter column is not sortable: ordering by
 * another person's email cannot be read from an index.)
 */
export const MEMBER_SORT_FIELDS = [
  'full_name',
  'email',
  'role',
  'effective_status',
  'last_active_at',
  'created_at',
] as const
export type MemberSortField = (typeof MEMBER_SORT_FIELDS)[number]

/** The Users page's order when the user has not chosen one: most recently active first. */
export const DEFAULT_MEMBER_SORT: { field: MemberSortField; descending: boolean } = {
  field: 'last_active_at',
  descending: true,
}

export interface MemberFilter {
  workspaceId: string
  role?: WorkspaceRole | null
  status?: MemberStatus | null
  search?: string | null
}

export interface MemberQuery extends MemberFilter {
  first: number
  rows: number
  sortField?: MemberSortField | null
  sortOrder?: 1 | -1 | 0 | null
}

const isSortField = (f: unknown): f is MemberSortField =>
  (MEMBER_SORT_FIELDS as readonly unknown[]).includes(f)

/**
 * One page of the team directory, filtered and sorted by the database (`member_directory_page`:
 * each order reads one page from an index; manage-only columns come back null without
 * members.manage). The total is a separate call, made once per filter change: `countMembers`.
 */
export async function listMembers(q: MemberQuery): Promise<MemberRow[]> {
  const chosen = isSortField(q.sortField) && q.sortOrder ? q.sortField : null
  const rows = await unwrap(
    supabase.rpc('member_directory_page', {
      p_workspace_id: q.workspaceId,
      p_sort: chosen ?? DEFAULT_MEMBER_SORT.field,
      p_descending: chosen ? q.sortOrder === -1 : DEFAULT_MEMBER_SORT.descending,
      p_offset: q.first,
      p_limit: q.rows,
      ...(q.role ? { p_role: q.role } : {}),
      ...(q.status ? { p_status: q.status } : {}),
      ...(q.search?.trim() ? { p_search: q.search.trim() } : {}),
    }),
  )
  return rows ?? []
}

/** How many members match the filters (exact; ask when the filters change, not per page). */
export async function countMembers(f: MemberFilter): Promise<number> {
  const total = await unwrap(
    supabase.rpc('member_directory_count', {
      p_workspace_id: f.workspaceId,
      ...(f.role ? { p_role: f.role } : {}),
      ...(f.status ? { p_status: f.status } : {}),
      ...(f.search?.trim() ? { p_search: f.search.trim() } : {}),
    }),
  )
  return Number(total ?? 0)
}

/** Up to `limit` members whose name or email contains `text` (pickers, the actor filter). */
export async function searchMembers(
  workspaceId: string,
  text: string,
  opts: { activeOnly?: boolean; limit?: number } = {},
): Promise<MemberRow[]> {
  const rows = await unwrap(
    supabase.rpc('member_directory_page', {
      p_workspace_id: workspaceId,
      p_sort: 'full_name',
      p_descending: false,
      p_offset: 0,
      p_limit: opts.limit ?? 20,
      ...(opts.activeOnly ? { p_status: 'active' as const } : {}),
      ...(text.trim() ? { p_search: text.trim() } : {}),
    }),
  )
  return rows ?? []
}

/** Directory rows of these users only (names for the rows on screen). */
export async function membersByUserIds(
  workspaceId: string,
  userIds: readonly string[],
): Promise<MemberRow[]> {
  const ids = [...new Set(userIds.filter(Boolean))]
  if (!ids.length) return []
  const out: MemberRow[] = []
  // 100 ids a request keeps the URL short
  for (let i = 0; i < ids.length; i += 100) {
    out.push(
      ...(await unwrap(
        supabase
          .from('member_directory')
          .select('*')
          .eq('workspace_id', workspaceId)
          .in('user_id', ids.slice(i, i + 100)),
      )),
    )
  }
  return out
}

/**
 * Effectively active members (for pickers: assign an asset, transfer ownership, hand over
 * holdings), by name. At most `limit` (default 1,000, PostgREST's page is 10,000): pickers search
 * with `searchMembers` beyond that.
 */
export async function listActiveMembers(workspaceId: string, limit = 1000): Promise<MemberRow[]> {
  return searchMembers(workspaceId, '', { activeOnly: true, limit })
}

/**
 * Every member of the workspace with the fields the access review needs, least recently active
 * first, fetched a page at a time so no row is cut by PostgREST's max_rows.
 */
export async function listAllMembers(workspaceId: string): Promise<MemberRow[]> {
  const PAGE = 1000
  const out: MemberRow[] = []
  for (let first = 0; ; first += PAGE) {
    const rows = await listMembers({
      workspaceId,
      first,
      rows: PAGE,
      sortField: 'last_active_at',
      sortOrder: 1,
    })
    out.push(...rows)
    if (rows.length < PAGE) return out
  }
}

export async function changeMemberRole(membershipId: string, role: WorkspaceRole): Promise<void> {
  await unwrap(supabase.rpc('change_member_role', { p_membership_id: membershipId, p_role: role }))
}

export async function deactivateMember(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('deactivate_member', { p_membership_id: membershipId }))
}

export async function reactivateMember(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('reactivate_member', { p_membership_id: membershipId }))
}

/** A suspension as the admin asked for it: until a date (null: until lifted), and why. */
export interface SuspendRequest {
  until: Date | null
  reason: string | null
}

export async function suspendMember(
  membershipId: string,
  until: Date | null,
  reason: string | null,
): Promise<void> {
  await unwrap(
    supabase.rpc('suspend_member', {
      p_membership_id: membershipId,
      ...(until ? { p_until: until.toISOString() } : {}),
      ...(reason ? { p_reason: reason } : {}),
    }),
  )
}

export async function liftSuspension(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('lift_suspension', { p_membership_id: membershipId }))
}

export async function removeMember(membershipId: string): Promise<void> {
  await unwrap(supabase.rpc('remove_member', { p_membership_id: membershipId }))
}

// ---- bulk actions: all or nothing in the database; the first refusal names its member ------

export async function deactivateMembers(membershipIds: string[]): Promise<void> {
  await unwrap(supabase.rpc('deactivate_members', { p_membership_ids: membershipIds }))
}

export async function changeMembersRole(
  membershipIds: string[],
  role: WorkspaceRole,
): Promise<void> {
  await unwrap(
    supabase.rpc('change_members_role', { p_membership_ids: membershipIds, p_role: role }),
  )
}

/** Whether one member has a verified TOTP factor (needs members.manage). */
export async function memberMfaStatus(workspaceId: string, userId: string): Promise<boolean> {
  const rows = await unwrap(
    supabase.rpc('member_mfa_status', { p_workspace_id: workspaceId, p_user_id: userId }),
  )
  return rows?.some((r) => r.user_id === userId && r.totp_enrolled) ?? false
}

/**
 * An admin resets a member's 2FA when they lost their device (`reset_member_two_factor`: all of
 * the person's factors removed, logged, rank respected, never the Owner); returns how many.
 */
export async function resetMemberTwoFactor(membershipId: string): Promise<number> {
  return unwrap(supabase.rpc('reset_member_two_factor', { p_membership_id: membershipId }))
}

/**
 * Every member's TOTP enrolment in the workspace (member_mfa_status without a user id), for the
 * 2FA filter of the Users page and the "require two-factor" check in Settings.
 */
export async function workspaceMfaStatus(workspaceId: string): Promise<Map<string, boolean>> {
  const rows = await unwrap(supabase.rpc('member_mfa_status', { p_workspace_id: workspaceId }))
  return new Map((rows ?? []).map((r) => [r.user_id, r.totp_enrolled]))
}

/** Whom a two-factor rule (off | admins | everyone) would ask for a second factor: user ids. */
export async function twoFactorRuleAppliesTo(
  workspaceId: string,
  rule: 'off' | 'admins' | 'everyone',
): Promise<Set<string>> {
  const rows = await unwrap(
    supabase.rpc('two_factor_rule_applies_to', {
      p_workspace_id: workspaceId,
      p_require_2fa: rule,
    }),
  )
  return new Set((rows ?? []).map((r) => r.user_id))
}

/** Statuses a holder of an asset or a seat may have that put the item at risk (offboarding). */
export const AT_RISK_STATUSES = ['suspended', 'inactive'] as const
export type AtRiskStatus = (typeof AT_RISK_STATUSES)[number]

/** The workspace's suspended and deactivated members (user id → effective status). */
export async function atRiskHolders(workspaceId: string): Promise<Map<string, AtRiskStatus>> {
  const rows = await unwrap(
    supabase
      .from('member_directory')
      .select('user_id, effective_status')
      .eq('workspace_id', workspaceId)
      .in('effective_status', [...AT_RISK_STATUSES]),
  )
  const out = new Map<string, AtRiskStatus>()
  for (const r of rows ?? []) if (r.user_id) out.set(r.user_id, r.effective_status as AtRiskStatus)
  return out
}
