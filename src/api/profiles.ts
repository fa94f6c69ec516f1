import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Tables } from '@/types/database.types'

export type Profile = Tables<'profiles'>

export async function getProfile(userId: string): Promise<Profile | null> {
  return unwrap(supabase.from('profiles').select('*').eq('id', userId).maybeSingle())
}

/** People may change their own display name only (RLS). */
export async function updateFullName(userId: string, fullName: string): Promise<void> {
  await unwrap(supabase.from('profiles').update({ full_name: fullName }).eq('id', userId))
}
