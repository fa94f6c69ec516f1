import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { useCurrentWorkspace } from '@/composables/useCurrentWorkspace'
import { useNotify } from '@/composables/useNotify'

/** What a paged table asks the server for: the workspace, a page, and the view's search. */
export interface TableQuery {
  workspaceId: string
  first: number
  rows: number
  search?: string | null
}

export interface ServerTableSource<Row, Q extends TableQuery> {
  /** One page of rows, in the view's order and search. */
  list: (query: Q) => Promise<Row[]>
  /** How many rows match the view's search (paging and order aside). */
  count: (query: Q) => Promise<number>
  /** The first view: page size, order, search. */
  initial: Omit<Q, 'workspaceId'>
  /** The toast title when a load fails, e.g. "Could not load assets". */
  failure: string
  /** Runs after each page arrives, inside the same load (e.g. to look up the names on it). */
  afterLoad?: (rows: Row[], workspaceId: string) => Promise<void>
}

/**
 * A server table as `components/ServerTable.vue` drives it: `reactive(useServerTable(...))`, refs
 * unwrapped. (`load` is a method, so a table of a narrower query type fits.)
 */
export interface ServerTableHandle<Row> {
  rows: Row[]
  total: number
  loading: boolean
  view: {
    first: number
    rows: number
    sortField?: string | null
    sortOrder?: 1 | -1 | 0 | null
    search?: string | null
  }
  load(
    patch?: {
      first?: number
      rows?: number
      sortField?: string | null
      sortOrder?: 1 | -1 | 0 | null
    },
    recount?: boolean,
  ): Promise<void>
  search(text: string): void
}

/** A button of a row's Actions column: shown when `show`, named `label(row)` for screen readers. */
export interface RowAction<Row> {
  icon: string
  label: (row: Row) => string
  show: boolean
  danger?: boolean
  run: (row: Row) => void
}

/** Milliseconds the search box waits after the last key before it asks the server. */
export const SEARCH_DELAY_MS = 300

/**
 * A table paged, sorted and searched on the server, for the current workspace (the Assets and
 * Licences pages). `load(patch)` merges the patch into the view and asks for that page; the count
 * is asked again only when the workspace or the search changes, or when `recount` says rows were
 * added or deleted. An answer that arrives after a newer request is dropped, so a slow page never
 * replaces a newer one. `search(text)` waits SEARCH_DELAY_MS after the last call, then loads the
 * first page. Loads again from the first page whenever the workspace changes.
 */
export function useServerTable<Row, Q extends TableQuery>(source: ServerTableSource<Row, Q>) {
  const notify = useNotify()
  const { workspaceId } = useCurrentWorkspace()
  const rows = ref([]) as Ref<Row[]>
  const total = ref(0)
  const loading = ref(true)
  const view = ref({ ...source.initial }) as Ref<Omit<Q, 'workspaceId'>>
  let countedFor: string | null = null
  let latest = 0
  let searchTimer: ReturnType<typeof setTimeout> | undefined

  async function load(patch: Partial<Omit<Q, 'workspaceId'>> = {}, recount = false) {
    if (!workspaceId.value) return
    view.value = { ...view.value, ...patch }
    const query = { ...view.value, workspaceId: workspaceId.value } as Q
    const key = JSON.stringify([query.workspaceId, query.search?.trim() ?? ''])
    const ticket = ++latest
    loading.value = true
    try {
      const [list, count] = await Promise.all([
        source.list(query),
        recount || key !== countedFor ? source.count(query) : null,
      ])
      if (ticket !== latest) return
      rows.value = list
      if (count !== null) {
        total.value = count
        countedFor = key
      }
      await source.afterLoad?.(list, query.workspaceId)
    } catch (err) {
      notify.error(err, source.failure)
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  /** Back to the first page (the view's other settings kept). */
  const firstPage = { first: 0 } as Partial<Omit<Q, 'workspaceId'>>

  function search(text: string) {
    view.value = { ...view.value, search: text }
    clearTimeout(searchTimer)
    searchTimer = setTimeout(() => void load(firstPage), SEARCH_DELAY_MS)
  }

  // A search typed just before the page closes must not load into a page that is gone.
  onScopeDispose(() => clearTimeout(searchTimer))
  watch(workspaceId, () => load(firstPage, true), { immediate: true })

  return { rows, total, loading, view, load, search, workspaceId }
}
