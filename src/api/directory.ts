import type { MemberRow } from '@/api/members'
import { toAppError, unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'

/** One member of the workspace by membership id (for links such as /users?member=<id>). */
export async function memberById(
  workspaceId: string,
  membershipId: string,
): Promise<MemberRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(membershipId)) return null
  const rows = await unwrap(
    supabase
      .from('member_directory')
      .select('*')
      .eq('workspace_id', workspaceId)
      .eq('id', membershipId),
  )
  return rows[0] ?? null
}

export interface Holdings {
  assets: { id: string; name: string; asset_tag: string | null }[]
  seats: { id: string; product: string; assigned_at: string | null }[]
}

/** The assets and licence seats a member holds (each part needs its own view permission). */
export async function holdingsOf(workspaceId: string, userId: string): Promise<Holdings> {
  const [assets, seats] = await Promise.all([
    supabase
      .from('assets')
      .select('id, name, asset_tag')
      .eq('workspace_id', workspaceId)
      .eq('assigned_to', userId)
      .order('name'),
    supabase
      .from('license_seats')
      .select('id, assigned_at, licenses(product)')
      .eq('workspace_id', workspaceId)
      .eq('user_id', userId),
  ])
  if (assets.error) throw toAppError(assets.error)
  if (seats.error) throw toAppError(seats.error)
  return {
    assets: assets.data ?? [],
    seats: (seats.data ?? []).map((s) => ({
      id: s.id,
      product: s.licenses?.product ?? 'Licence',
      assigned_at: s.assigned_at,
    })),
  }
}
