import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Database } from '@/types/database.types'

/** One thing a member holds: an asset (`tag` = asset tag) or a licence seat (`name` = product). */
export type Holding = Database['public']['Functions']['offboarding_summary']['Returns'][number]

/** What a member holds in their workspace, assets first (needs members.manage). */
export async function offboardingSummary(membershipId: string): Promise<Holding[]> {
  return (
    (await unwrap(supabase.rpc('offboarding_summary', { p_membership_id: membershipId }))) ?? []
  )
}

/**
 * Takes back everything a member holds, atomically (needs assets.assign): to `toUserId` (an
 * active member) or, with null, assets checked in and seats freed. Returns how many were taken.
 */
export async function reassignHoldings(
  membershipId: string,
  toUserId: string | null,
): Promise<{ assets: number; seats: number }> {
  const rows = await unwrap(
    supabase.rpc('reassign_member_holdings', {
      p_membership_id: membershipId,
      ...(toUserId ? { p_to_user_id: toUserId } : {}),
    }),
  )
  return rows?.[0] ?? { assets: 0, seats: 0 }
}
