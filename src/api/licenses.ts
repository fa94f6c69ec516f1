import { toAppError, unwrap } from '@/lib/errors'
import { orIlike } from '@/lib/postgrest'
import { supabase } from '@/lib/supabase'
import type { Tables, TablesInsert, TablesUpdate } from '@/types/database.types'

export type License = Tables<'licenses'>
export type LicenseSeat = Tables<'license_seats'>
export type LicenseDraft = Omit<TablesInsert<'licenses'>, 'workspace_id'>

/** A licence with the number of its seats in use (counted by PostgREST, per row of the page). */
export type LicenseWithUsage = License & { seats_used: number }

export const LICENSE_SORT_FIELDS = ['product', 'vendor', 'seats', 'expires_on'] as const
export type LicenseSortField = (typeof LICENSE_SORT_FIELDS)[number]

export interface LicenseQuery {
  workspaceId: string
  first: number
  rows: number
  sortField?: LicenseSortField | null
  sortOrder?: 1 | -1 | 0 | null
  search?: string | null
  /** Only these licences (e.g. those with a seat held by a given member); empty = none. */
  onlyIds?: readonly string[] | null
}

function licenseFilter(q: Omit<LicenseQuery, 'first' | 'rows'>, count?: 'exact') {
  let query = supabase
    .from('licenses')
    .select('*, license_seats(count)', count ? { count } : undefined)
    .eq('workspace_id', q.workspaceId)
  if (q.search?.trim()) query = query.or(orIlike(['product', 'vendor'], q.search))
  if (q.onlyIds)
    query = query.in(
      'id',
      q.onlyIds.length ? [...q.onlyIds] : ['00000000-0000-0000-0000-000000000000'],
    )
  return query
}

type Embedded = License & { license_seats: { count: number }[] | null }
const withUsage = (rows: Embedded[]): LicenseWithUsage[] =>
  rows.map(({ license_seats, ...l }) => ({ ...l, seats_used: license_seats?.[0]?.count ?? 0 }))

/** One page of licences with their seats in use, sorted and searched in the database. */
export async function listLicenses(q: LicenseQuery): Promise<LicenseWithUsage[]> {
  // a column the server does not order by (the table passes any clicked field) orders by none
  const chosen =
    q.sortOrder && (LICENSE_SORT_FIELDS as readonly unknown[]).includes(q.sortField)
      ? q.sortField
      : null
  const field = chosen ?? 'product'
  const ascending = !(chosen && q.sortOrder === -1)
  const rows = await unwrap(
    licenseFilter(q)
      .order(field, { ascending })
      .order('id', { ascending })
      .range(q.first, q.first + q.rows - 1),
  )
  return withUsage(rows as unknown as Embedded[])
}

/** How many licences match (ask when the search changes, not per page). */
export async function countLicenses(q: Omit<LicenseQuery, 'first' | 'rows'>): Promise<number> {
  let query = supabase
    .from('licenses')
    .select('id', { count: 'exact', head: true })
    .eq('workspace_id', q.workspaceId)
  if (q.search?.trim()) query = query.or(orIlike(['product', 'vendor'], q.search))
  const { count, error } = await query
  if (error) throw toAppError(error)
  return count ?? 0
}

export async function createLicense(workspaceId: string, draft: LicenseDraft): Promise<License> {
  return unwrap(
    supabase
      .from('licenses')
      .insert({ ...draft, workspace_id: workspaceId })
      .select('*')
      .single(),
  )
}

export async function updateLicense(id: string, patch: TablesUpdate<'licenses'>): Promise<License> {
  return unwrap(supabase.from('licenses').update(patch).eq('id', id).select('*').single())
}

export async function deleteLicense(id: string): Promise<void> {
  await unwrap(supabase.from('licenses').delete().eq('id', id))
}

/** Seats of one licence (the seats dialog), in the order they were given; at most `limit`. */
export async function listSeats(licenseId: string, limit = 1000): Promise<LicenseSeat[]> {
  return unwrap(
    supabase
      .from('license_seats')
      .select('*')
      .eq('license_id', licenseId)
      .order('assigned_at')
      .order('id')
      .limit(limit),
  )
}

export async function assignSeat(
  workspaceId: string,
  licenseId: string,
  userId: string,
): Promise<void> {
  await unwrap(
    supabase
      .from('license_seats')
      .insert({ workspace_id: workspaceId, license_id: licenseId, user_id: userId }),
  )
}

export async function revokeSeat(seatId: string): Promise<void> {
  await unwrap(supabase.from('license_seats').delete().eq('id', seatId))
}

/** Licence seats held by a member, to reclaim on offboarding. */
export async function seatsHeldBy(workspaceId: string, userId: string): Promise<LicenseSeat[]> {
  return unwrap(
    supabase
      .from('license_seats')
      .select('*')
      .eq('workspace_id', workspaceId)
      .eq('user_id', userId),
  )
}

/** Which licences these members hold seats of (licence id → holders), for flags and filters. */
export async function seatsHeldByAny(
  workspaceId: string,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (let i = 0; i < userIds.length; i += 100) {
    const rows = await unwrap(
      supabase
        .from('license_seats')
        .select('license_id, user_id')
        .eq('workspace_id', workspaceId)
        .in('user_id', userIds.slice(i, i + 100)),
    )
    for (const r of rows ?? []) out.set(r.license_id, [...(out.get(r.license_id) ?? []), r.user_id])
  }
  return out
}
