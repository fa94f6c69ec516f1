import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Tables } from '@/types/database.types'

export type PermissionRow = Tables<'permissions'>
export type PermissionArea = Tables<'permission_areas'>
export type ActivityAction = Tables<'activity_actions'>
export type ActivityEntityType = Tables<'activity_entity_types'>

export interface Catalogue {
  permissions: PermissionRow[]
  areas: PermissionArea[]
  actions: ActivityAction[]
  entityTypes: ActivityEntityType[]
}

/** The database's catalogues (permissions, their areas, activity actions and entity types). */
export async function loadCatalogue(): Promise<Catalogue> {
  const [permissions, areas, actions, entityTypes] = await Promise.all([
    unwrap(supabase.from('permissions').select('*').order('sort_order')),
    unwrap(supabase.from('permission_areas').select('*').order('sort_order')),
    unwrap(supabase.from('activity_actions').select('*').order('sort_order')),
    unwrap(supabase.from('activity_entity_types').select('*').order('sort_order')),
  ])
  return { permissions, areas, actions, entityTypes }
}
