import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/members'
import type { MemberQuery, MemberRow } from '@/api/members'

export type MemberListState = Omit<MemberQuery, 'workspaceId'>

/** The Users table: one page of the directory plus the lazy-table state that produced it. */
export const useMembersStore = defineStore('members', () => {
  const rows = ref<MemberRow[]>([])
  const total = ref(0)
  const loading = ref(false)
  const state = ref<MemberListState>({ first: 0, rows: 20, sortField: null, sortOrder: null })
  let latest = 0

  async function load(workspaceId: string, patch: Partial<MemberListState> = {}): Promise<void> {
    state.value = { ...state.value, ...patch }
    const ticket = ++latest
    loading.value = true
    try {
      const page = await api.listMembers({ workspaceId, ...state.value })
      if (ticket !== latest) return // a newer request has been made; drop this answer
      rows.value = page.rows
      total.value = page.total
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  function reset() {
    rows.value = []
    total.value = 0
    state.value = { first: 0, rows: 20, sortField: null, sortOrder: null }
  }

  return { rows, total, loading, state, load, reset }
})
