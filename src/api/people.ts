import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'

export interface PersonName {
  user_id: string
  membership_id: string
  name: string
}

/**
 * Display names of the given users in a workspace (members.view), for sentences and links. Users
 * no longer in the workspace are simply absent. At most 200 ids per call.
 */
export async function memberNames(workspaceId: string, userIds: string[]): Promise<PersonName[]> {
  const ids = [...new Set(userIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id)).slice(0, 200)
  if (ids.length === 0) return []
  const rows = await unwrap(
    supabase
      .from('member_directory')
      .select('id, user_id, full_name, email')
      .eq('workspace_id', workspaceId)
      .in('user_id', ids),
  )
  return rows.flatMap((r) =>
    r.user_id && r.id
      ? [{ user_id: r.user_id, membership_id: r.id, name: r.full_name || r.email || 'Member' }]
      : [],
  )
}
