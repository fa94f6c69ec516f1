import { reactive } from 'vue'
import { memberNames, type PersonName } from '@/api/people'

/**
 * Names for the user ids on screen, fetched in small batches and kept for the page's life. A
 * user who is not (or no longer) in the workspace is remembered as null.
 */
export function usePeopleNames() {
  const known = reactive(new Map<string, PersonName | null>())

  async function ensure(workspaceId: string, ids: (string | null | undefined)[]): Promise<void> {
    const missing = [...new Set(ids.filter((id): id is string => !!id && !known.has(id)))]
    if (!workspaceId || missing.length === 0) return
    try {
      const found = await memberNames(workspaceId, missing)
      for (const id of missing) known.set(id, null)
      for (const p of found) known.set(p.user_id, p)
    } catch {
      // Names are a nicety: sentences fall back to the email snapshot.
    }
  }

  const nameOf = (id: string) => known.get(id)?.name ?? null

  return { known, ensure, nameOf }
}
