import { computed, ref } from 'vue'
import { listAllMembers, type MemberRow } from '@/api/members'

/** The workspace's members, for pickers and for showing names instead of user ids. */
export function useMemberNames() {
  const members = ref<MemberRow[]>([])
  const active = computed(() => members.value.filter((m) => m.effective_status === 'active'))
  const byUserId = computed(() => new Map(members.value.map((m) => [m.user_id, m])))

  async function load(workspaceId: string) {
    members.value = await listAllMembers(workspaceId)
  }

  function nameOf(userId: string | null | undefined): string {
    if (!userId) return '—'
    const m = byUserId.value.get(userId)
    return m ? m.full_name || m.email || 'Member' : 'Former member'
  }

  return { members, active, load, nameOf }
}
