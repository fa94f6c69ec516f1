import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Tables, TablesInsert, TablesUpdate } from '@/types/database.types'

export type License = Tables<'licenses'>
export type LicenseSeat = Tables<'license_seats'>
export type LicenseDraft = Omit<TablesInsert<'licenses'>, 'workspace_id'>

export async function listLicenses(workspaceId: string): Promise<License[]> {
  return unwrap(
    supabase.from('licenses').select('*').eq('workspace_id', workspaceId).order('product'),
  )
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

export async function listSeats(workspaceId: string): Promise<LicenseSeat[]> {
  return unwrap(supabase.from('license_seats').select('*').eq('workspace_id', workspaceId))
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
