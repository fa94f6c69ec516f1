import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/activity'
import type { ActivityFilter, ActivityRow } from '@/api/activity'

export type ActivityFilterFields = Omit<ActivityFilter, 'workspaceId'>

/** The activity table: the filters, one page of the log and its total. */
export const useActivityStore = defineStore('activity', () => {
  const filter = ref<ActivityFilterFields>({})
  const rows = ref<ActivityRow[]>([])
  const total = ref(0)
  const first = ref(0)
  const pageSize = ref(25)
  const loading = ref(false)
  let latest = 0

  async function load(workspaceId: string, page?: { first: number; rows: number }) {
    if (page) {
      first.value = page.first
      pageSize.value = page.rows
    }
    const ticket = ++latest
    loading.value = true
    try {
      const result = await api.listActivity(
        { workspaceId, ...filter.value },
        first.value,
        pageSize.value,
      )
      if (ticket !== latest) return
      rows.value = result.rows
      total.value = result.total
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  function setFilter(next: ActivityFilterFields) {
    filter.value = next
    first.value = 0
  }

  function reset() {
    filter.value = {}
    rows.value = []
    total.value = 0
    first.value = 0
  }

  return { filter, rows, total, first, pageSize, loading, load, setFilter, reset }
})
