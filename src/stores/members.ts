import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/members'
import type { MemberQuery, MemberRow } from '@/api/members'

export type MemberListState = Omit<MemberQuery, 'workspaceId'>

const filterKey = (workspaceId: string, s: MemberListState) =>
  JSON.stringify([workspaceId, s.role ?? null, s.status ?? null, s.search?.trim() || null])

/**
 * The Users table: one page of the directory plus the lazy-table state that produced it. The
 * total is counted once per workspace, filter or search, not on every page turn or sort.
 */
export const useMembersStore = defineStore('members', () => {
  const rows = ref<MemberRow[]>([])
  const total = ref(0)
  const loading = ref(false)
  const state = ref<MemberListState>({ first: 0, rows: 20, sortField: null, sortOrder: null })
  let latest = 0
  let countedFor: string | null = null

  async function load(workspaceId: string, patch: Partial<MemberListState> = {}): Promise<void> {
    state.value = { ...state.value, ...patch }
    const ticket = ++latest
    const key = filterKey(workspaceId, state.value)
    const needsCount = key !== countedFor
    loading.value = true
    try {
      const [page, count] = await Promise.all([
        api.listMembers({ workspaceId, ...state.value }),
        needsCount ? api.countMembers({ workspaceId, ...state.value }) : null,
      ])
      if (ticket !== latest) return // a newer request has been made; drop this answer
      rows.value = page
      if (count !== null) {
        total.value = count
        countedFor = key
      }
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  /** Count again on the next load (after invitations, removals and other changes). */
  function invalidateCount() {
    countedFor = null
  }

  function reset() {
    rows.value = []
    total.value = 0
    countedFor = null
    state.value = { first: 0, rows: 20, sortField: null, sortOrder: null }
  }

  return { rows, total, loading, state, load, invalidateCount, reset }
})
