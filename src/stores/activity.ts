import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/activity'
import type { ActivityCursor, ActivityFilter, ActivityRow } from '@/api/activity'
import { searchMembers } from '@/api/members'

export type ActivityFilterFields = Omit<ActivityFilter, 'workspaceId'>

/** Members an actor box may match before the filter asks for a more precise name or email. */
export const MAX_ACTORS = 50

/**
 * The activity table: the filters, one page of the log (keyset on occurred_at and id, newest
 * first) and the total, counted once per filter change (exact up to 10,000, then "10,000+").
 */
export const useActivityStore = defineStore('activity', () => {
  const filter = ref<ActivityFilterFields>({})
  const rows = ref<ActivityRow[]>([])
  const total = ref(0)
  /** More rows match than `total` (the count stops at 10,000: "10,000+"). */
  const totalCapped = ref(false)
  const pageSize = ref(25)
  /** Cursors of the pages before the current one; [] on the first page. */
  const cursors = ref<(ActivityCursor | null)[]>([])
  const current = ref<ActivityCursor | null>(null)
  const next = ref<ActivityCursor | null>(null)
  const loading = ref(false)
  let latest = 0
  let countedFor: string | null = null
  /** Actor box text resolved to member ids, per workspace and text. */
  let resolved: { key: string; ids: string[] | null } | null = null

  /** The actor box as a query: matching members by name or email, else the exact email. */
  async function query(workspaceId: string): Promise<ActivityFilter> {
    const f: ActivityFilter = { workspaceId, ...filter.value }
    const text = f.actor?.trim()
    if (!text) return f
    const key = JSON.stringify([workspaceId, text])
    if (resolved?.key !== key) {
      const matches = await searchMembers(workspaceId, text, { limit: MAX_ACTORS }).catch(
        () => [], // no members.view: the exact email is all we can match
      )
      const ids = matches.map((m) => m.user_id).filter((id): id is string => !!id)
      resolved = { key, ids: ids.length ? ids : null }
    }
    const ids = resolved.ids
    if (!ids) return f
    return { ...f, actor: null, actorIds: [...ids, ...(f.actorIds ?? [])] }
  }

  async function fetch(workspaceId: string, after: ActivityCursor | null) {
    const ticket = ++latest
    loading.value = true
    try {
      const q = await query(workspaceId)
      const key = JSON.stringify(q)
      const wantCount = key !== countedFor
      const [page, count] = await Promise.all([
        api.listActivity(q, { rows: pageSize.value, after }),
        wantCount ? api.countActivityCapped(q) : null,
      ])
      if (ticket !== latest) return false
      rows.value = page.rows
      next.value = page.next
      current.value = after
      if (count) {
        total.value = count.total
        totalCapped.value = count.capped
        countedFor = key
      }
      return true
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  /** The first (newest) page; with `rows`, a new page size. */
  async function load(workspaceId: string, opts: { rows?: number } = {}) {
    if (opts.rows) pageSize.value = opts.rows
    if (await fetch(workspaceId, null)) cursors.value = []
  }

  /** The next, older page. */
  async function older(workspaceId: string) {
    if (!next.value) return
    const from = current.value
    if (await fetch(workspaceId, next.value)) cursors.value = [...cursors.value, from]
  }

  /** The previous, newer page. */
  async function newer(workspaceId: string) {
    if (!cursors.value.length) return
    const back = cursors.value.at(-1) ?? null
    if (await fetch(workspaceId, back)) cursors.value = cursors.value.slice(0, -1)
  }

  function setFilter(nextFilter: ActivityFilterFields) {
    filter.value = nextFilter
    cursors.value = []
  }

  /** Count again on the next load. */
  function invalidateCount() {
    countedFor = null
  }

  function reset() {
    filter.value = {}
    rows.value = []
    total.value = 0
    totalCapped.value = false
    cursors.value = []
    current.value = null
    next.value = null
    countedFor = null
    resolved = null
  }

  return {
    filter,
    rows,
    total,
    totalCapped,
    pageSize,
    cursors,
    next,
    loading,
    query,
    load,
    older,
    newer,
    setFilter,
    invalidateCount,
    reset,
  }
})
