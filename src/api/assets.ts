import { toAppError, unwrap } from '@/lib/errors'
import { orIlike } from '@/lib/postgrest'
import { supabase } from '@/lib/supabase'
import type { Tables, TablesInsert, TablesUpdate } from '@/types/database.types'

export type Asset = Tables<'assets'>
export type AssetDraft = Omit<TablesInsert<'assets'>, 'workspace_id' | 'assigned_to'>
export const ASSET_STATUSES = ['in_stock', 'assigned', 'in_repair', 'retired'] as const

export const ASSET_SORT_FIELDS = ['asset_tag', 'name', 'category', 'status'] as const
export type AssetSortField = (typeof ASSET_SORT_FIELDS)[number]

export interface AssetQuery {
  workspaceId: string
  first: number
  rows: number
  sortField?: AssetSortField | null
  /** 1 ascending, -1 descending. */
  sortOrder?: 1 | -1 | 0 | null
  search?: string | null
  status?: string | null
  /** Only assets held by this member. */
  holder?: string | null
  /** Holder status: held by an active, suspended or deactivated member, or not held. */
  holderStatus?: HolderStatus | null
  /** The workspace's suspended and deactivated members (for holderStatus), user id → status. */
  atRisk?: ReadonlyMap<string, string> | null
}

export const HOLDER_STATUSES = ['active', 'suspended', 'inactive', 'none'] as const
export type HolderStatus = (typeof HOLDER_STATUSES)[number]
/** Matches no user: an `in` list that must not be empty. */
const NOBODY = '00000000-0000-0000-0000-000000000000'

function assetFilter(q: Omit<AssetQuery, 'first' | 'rows'>, count?: 'exact') {
  let query = supabase
    .from('assets')
    .select('*', count ? { count } : undefined)
    .eq('workspace_id', q.workspaceId)
  if (q.status) query = query.eq('status', q.status)
  if (q.holder) query = query.eq('assigned_to', q.holder)
  const risky = [...(q.atRisk ?? new Map()).entries()]
  const withStatus = (status: string) => risky.filter(([, s]) => s === status).map(([id]) => id)
  if (q.holderStatus === 'none') query = query.is('assigned_to', null)
  else if (q.holderStatus === 'active') {
    query = query.not('assigned_to', 'is', null)
    if (risky.length)
      query = query.not('assigned_to', 'in', `(${risky.map(([id]) => id).join(',')})`)
  } else if (q.holderStatus) {
    const ids = withStatus(q.holderStatus)
    query = query.in('assigned_to', ids.length ? ids : [NOBODY])
  }
  if (q.search?.trim())
    query = query.or(orIlike(['name', 'asset_tag', 'serial_number', 'category'], q.search))
  return query
}

/**
 * One page of the workspace's assets, sorted, filtered and searched in the database (every
 * asset reachable, whatever PostgREST's max_rows). Ties are broken by id, so pages never overlap.
 */
export async function listAssets(q: AssetQuery): Promise<Asset[]> {
  // a column the server does not order by (the table passes any clicked field) orders by none
  const chosen =
    q.sortOrder && (ASSET_SORT_FIELDS as readonly unknown[]).includes(q.sortField)
      ? q.sortField
      : null
  const field = chosen ?? 'asset_tag'
  const ascending = !(chosen && q.sortOrder === -1)
  return unwrap(
    assetFilter(q)
      .order(field, { ascending })
      .order('id', { ascending })
      .range(q.first, q.first + q.rows - 1),
  )
}

/** How many assets match (ask when the search or filter changes, not per page). */
export async function countAssets(q: Omit<AssetQuery, 'first' | 'rows'>): Promise<number> {
  const { count, error } = await assetFilter(q, 'exact').limit(0)
  if (error) throw toAppError(error)
  return count ?? 0
}

export async function createAsset(workspaceId: string, draft: AssetDraft): Promise<Asset> {
  return unwrap(
    supabase
      .from('assets')
      .insert({ ...draft, workspace_id: workspaceId })
      .select('*')
      .single(),
  )
}

export async function updateAsset(id: string, patch: TablesUpdate<'assets'>): Promise<Asset> {
  return unwrap(supabase.from('assets').update(patch).eq('id', id).select('*').single())
}

/** Assigns (or with null, returns to stock) an asset; needs `assets.assign`. */
export async function assignAsset(id: string, userId: string | null): Promise<Asset> {
  return updateAsset(id, { assigned_to: userId, status: userId ? 'assigned' : 'in_stock' })
}

export async function deleteAsset(id: string): Promise<void> {
  await unwrap(supabase.from('assets').delete().eq('id', id))
}

/** Assets assigned to a member, to reclaim on offboarding. */
export async function assetsAssignedTo(workspaceId: string, userId: string): Promise<Asset[]> {
  return unwrap(
    supabase.from('assets').select('*').eq('workspace_id', workspaceId).eq('assigned_to', userId),
  )
}
