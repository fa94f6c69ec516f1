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

/** The offboarding step, as the database takes it: what happens to the holdings, then the status. */
export interface OffboardRequest {
  membershipIds: string[]
  action: 'deactivate' | 'suspend'
  /** reassign (to `toUserId`, an active member), checkin (assets back in stock, seats freed), keep. */
  holdings: 'reassign' | 'checkin' | 'keep'
  toUserId?: string | null
  /** Suspension only: its end (null = until lifted) and reason. */
  until?: Date | null
  reason?: string | null
}

/**
 * Offboards members in one database call, all or nothing (offboard_members): their holdings
 * are handed over or checked in, then they are deactivated or suspended. A refusal changes
 * nothing and names the first member it concerns.
 */
export async function offboardMembers(req: OffboardRequest): Promise<void> {
  await unwrap(
    supabase.rpc('offboard_members', {
      p_membership_ids: req.membershipIds,
      p_action: req.action,
      p_holdings: req.holdings,
      ...(req.holdings === 'reassign' && req.toUserId ? { p_to_user_id: req.toUserId } : {}),
      ...(req.action === 'suspend' && req.until ? { p_until: req.until.toISOString() } : {}),
      ...(req.action === 'suspend' && req.reason ? { p_reason: req.reason } : {}),
    }),
  )
}
