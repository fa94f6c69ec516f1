import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Tables, TablesInsert, TablesUpdate } from '@/types/database.types'

export type Asset = Tables<'assets'>
export type AssetDraft = Omit<TablesInsert<'assets'>, 'workspace_id' | 'assigned_to'>
export const ASSET_STATUSES = ['in_stock', 'assigned', 'in_repair', 'retired'] as const

export async function listAssets(workspaceId: string): Promise<Asset[]> {
  return unwrap(
    supabase.from('assets').select('*').eq('workspace_id', workspaceId).order('asset_tag'),
  )
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
