import { ref } from 'vue'
import { membersByUserIds, searchMembers, type MemberRow } from '@/api/members'

/** How many active members a picker shows before the user types part of a name or email. */
export const PICKER_SIZE = 50

/**
 * Names of the people on screen, and a picker of active members, without loading the whole
 * directory: `resolve` looks up the user ids of the rows shown (one narrow request), `search`
 * asks the directory for names or emails containing the text typed in a picker.
 */
export function useMemberNames() {
  const known = ref(new Map<string, MemberRow>())
  /** Ids looked up and not in the directory (no longer members). */
  const missing = ref(new Set<string>())
  /** Options of the member pickers: the first active members by name, or the last search. */
  const active = ref<MemberRow[]>([])

  function remember(rows: readonly MemberRow[]) {
    const next = new Map(known.value)
    for (const m of rows) if (m.user_id) next.set(m.user_id, m)
    known.value = next
  }

  /** Looks up the names of these users (those not known yet). */
  async function resolve(workspaceId: string, userIds: readonly (string | null | undefined)[]) {
    const wanted = [...new Set(userIds.filter((id): id is string => !!id && !known.value.has(id)))]
    if (!wanted.length) return
    const rows = await membersByUserIds(workspaceId, wanted)
    remember(rows)
    const found = new Set(rows.map((r) => r.user_id))
    missing.value = new Set([...missing.value, ...wanted.filter((id) => !found.has(id))])
  }

  /** Active members whose name or email contains `text` (the picker's options). */
  async function search(workspaceId: string, text = '') {
    const rows = await searchMembers(workspaceId, text, { activeOnly: true, limit: PICKER_SIZE })
    remember(rows)
    active.value = rows
    return rows
  }

  /** The picker's first options and the names of `userIds`. */
  async function load(workspaceId: string, userIds: readonly (string | null | undefined)[] = []) {
    await Promise.all([search(workspaceId), resolve(workspaceId, userIds)])
  }

  function nameOf(userId: string | null | undefined): string {
    if (!userId) return '—'
    const m = known.value.get(userId)
    if (m) return m.full_name || m.email || 'Member'
    return missing.value.has(userId) ? 'Former member' : '…'
  }

  return { known, active, load, resolve, search, nameOf }
}
