import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import { mountWithApp, WORKSPACE_ID } from '@/test/mountWithApp'
import { SEARCH_DELAY_MS, useServerTable, type TableQuery } from './useServerTable'

const toastAdd = vi.hoisted(() => vi.fn())
vi.mock('primevue/usetoast', () => ({ useToast: () => ({ add: toastAdd }) }))
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')

interface Query extends TableQuery {
  sortField?: 'name' | null
  sortOrder?: 1 | -1 | null
}
type Row = { id: string }

/** Resolves by hand, so a test decides which answer arrives first. */
function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

async function mountTable(source: Partial<Parameters<typeof useServerTable<Row, Query>>[0]> = {}) {
  const list = vi.fn(async (q: Query) => [{ id: `row-${q.first}` }])
  const count = vi.fn(async () => 40)
  let table!: ReturnType<typeof useServerTable<Row, Query>>
  const Harness = defineComponent({
    setup() {
      table = useServerTable<Row, Query>({
        list,
        count,
        initial: { first: 0, rows: 10, sortField: null, sortOrder: null, search: '' },
        failure: 'Could not load rows',
        ...source,
      })
      return () => null
    },
  })
  const { wrapper } = await mountWithApp(Harness)
  return { table, list, count, wrapper }
}

afterEach(() => {
  vi.useRealTimers()
  toastAdd.mockReset()
})

describe('useServerTable', () => {
  it('loads the first page and the count of the current workspace at once', async () => {
    const { table, list, count } = await mountTable()
    expect(list).toHaveBeenCalledWith({
      workspaceId: WORKSPACE_ID,
      first: 0,
      rows: 10,
      sortField: null,
      sortOrder: null,
      search: '',
    })
    expect(count).toHaveBeenCalledTimes(1)
    expect(table.rows.value).toEqual([{ id: 'row-0' }])
    expect(table.total.value).toBe(40)
    expect(table.loading.value).toBe(false)
  })

  it('pages and sorts without counting again; counts again when told rows changed', async () => {
    const { table, list, count } = await mountTable()
    await table.load({ first: 30 })
    await table.load({ sortField: 'name', sortOrder: -1, first: 0 })
    expect(list).toHaveBeenLastCalledWith(
      expect.objectContaining({ first: 0, rows: 10, sortField: 'name', sortOrder: -1 }),
    )
    expect(count).toHaveBeenCalledTimes(1)
    await table.load({}, true)
    expect(count).toHaveBeenCalledTimes(2)
  })

  it('searches once typing pauses, from the first page, and counts the new search', async () => {
    const { table, list, count } = await mountTable()
    await table.load({ first: 20 })
    vi.useFakeTimers()
    table.search('m')
    table.search('ma')
    table.search('mac')
    expect(table.view.value.search).toBe('mac')
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 1)
    expect(list).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(list).toHaveBeenCalledTimes(3)
    expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ first: 0, search: 'mac' }))
    expect(count).toHaveBeenCalledTimes(2)
  })

  it('keeps the newest page when an older answer arrives last', async () => {
    const { table, list } = await mountTable()
    const slow = deferred<Row[]>()
    list.mockImplementationOnce(() => slow.promise)
    const older = table.load({ first: 10 })
    await table.load({ first: 20 })
    expect(table.rows.value).toEqual([{ id: 'row-20' }])
    slow.resolve([{ id: 'stale' }])
    await older
    expect(table.rows.value).toEqual([{ id: 'row-20' }])
    expect(table.loading.value).toBe(false)
  })

  it('runs afterLoad with the page, and toasts a failure under the given title', async () => {
    const afterLoad = vi.fn(async () => undefined)
    const { table, list } = await mountTable({ afterLoad })
    expect(afterLoad).toHaveBeenCalledWith([{ id: 'row-0' }], WORKSPACE_ID)
    list.mockRejectedValueOnce(new Error('network down'))
    await table.load({ first: 10 })
    expect(toastAdd).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'error', summary: 'Could not load rows' }),
    )
    expect(table.loading.value).toBe(false)
  })

  it('drops a pending search when the page closes', async () => {
    const { table, list, wrapper } = await mountTable()
    vi.useFakeTimers()
    table.search('late')
    wrapper.unmount()
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS * 2)
    await flushPromises()
    expect(list).toHaveBeenCalledTimes(1)
  })
})
