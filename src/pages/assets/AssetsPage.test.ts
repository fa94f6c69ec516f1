import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as assets from '@/api/assets'
import * as members from '@/api/members'
import { TEAM } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import AssetsPage from './AssetsPage.vue'

vi.mock('@/api/assets')
vi.mock('@/api/members')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')

const confirmRequire = vi.hoisted(() => vi.fn())
vi.mock('primevue/useconfirm', () => ({ useConfirm: () => ({ require: confirmRequire }) }))

const laptop: assets.Asset = {
  id: 'a1',
  workspace_id: 'ws-1',
  name: 'MacBook Pro',
  asset_tag: 'LT-001',
  serial_number: null,
  category: 'Laptop',
  status: 'assigned',
  assigned_to: 'user-ben',
  notes: null,
  created_by: null,
  created_at: '',
  updated_at: '',
}

beforeEach(() => {
  vi.mocked(assets.listAssets).mockReset().mockResolvedValue([laptop])
  vi.mocked(assets.countAssets).mockReset().mockResolvedValue(50_000)
  vi.mocked(members.membersByUserIds).mockReset().mockResolvedValue(TEAM)
  vi.mocked(members.searchMembers).mockReset().mockResolvedValue(TEAM)
  confirmRequire.mockReset()
})

describe('AssetsPage', () => {
  it('lists assets with the name of the member holding them, looked up for the page only', async () => {
    const { wrapper } = await mountWithApp(AssetsPage, { role: 'viewer' })
    expect(wrapper.text()).toContain('LT-001')
    expect(wrapper.text()).toContain('Ben Member')
    expect(members.membersByUserIds).toHaveBeenCalledWith('ws-1', ['user-ben'])
    expect(members.listAllMembers).not.toHaveBeenCalled()
  })

  it('pages, sorts and searches on the server, counting once per search', async () => {
    const { wrapper } = await mountWithApp(AssetsPage, { role: 'viewer' })
    expect(assets.listAssets).toHaveBeenCalledWith(
      expect.objectContaining({ workspaceId: 'ws-1', first: 0, rows: 25 }),
    )
    expect(assets.countAssets).toHaveBeenCalledTimes(1)
    const table = wrapper.findComponent({ name: 'DataTable' })
    table.vm.$emit('page', { first: 49_975, rows: 25 })
    await flushPromises()
    expect(assets.listAssets).toHaveBeenLastCalledWith(
      expect.objectContaining({ first: 49_975, rows: 25 }),
    )
    table.vm.$emit('sort', { sortField: 'name', sortOrder: -1 })
    await flushPromises()
    expect(assets.listAssets).toHaveBeenLastCalledWith(
      expect.objectContaining({ first: 0, sortField: 'name', sortOrder: -1 }),
    )
    expect(assets.countAssets).toHaveBeenCalledTimes(1)
    vi.useFakeTimers()
    await wrapper.get('input[aria-label="Search assets"]').setValue('mac')
    await vi.advanceTimersByTimeAsync(400)
    vi.useRealTimers()
    await flushPromises()
    expect(assets.listAssets).toHaveBeenLastCalledWith(
      expect.objectContaining({ first: 0, search: 'mac' }),
    )
    expect(assets.countAssets).toHaveBeenCalledTimes(2)
  })

  it('gives a Viewer no way to change anything', async () => {
    const { wrapper } = await mountWithApp(AssetsPage, { role: 'viewer' })
    expect(wrapper.find('[data-test="new-asset"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Edit MacBook Pro"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Delete MacBook Pro"]').exists()).toBe(false)
  })

  it('lets a Member create but not edit, assign or delete', async () => {
    const { wrapper } = await mountWithApp(AssetsPage, { role: 'member' })
    expect(wrapper.find('[data-test="new-asset"]').exists()).toBe(true)
    expect(wrapper.find('[aria-label="Edit MacBook Pro"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Assign MacBook Pro"]').exists()).toBe(false)
  })

  it('creates an asset from the dialog', async () => {
    vi.mocked(assets.createAsset).mockResolvedValue(laptop)
    const { wrapper } = await mountWithApp(AssetsPage, { role: 'admin' })
    await wrapper.get('[data-test="new-asset"]').trigger('click')
    await flushPromises()
    await wrapper.get('#asset-name').setValue('  Dell XPS ')
    await wrapper.get('#asset-tag').setValue('LT-002')
    await wrapper.get('#asset-form').trigger('submit')
    await flushPromises()
    expect(assets.createAsset).toHaveBeenCalledWith('ws-1', {
      name: 'Dell XPS',
      asset_tag: 'LT-002',
      serial_number: null,
      category: null,
      status: 'in_stock',
      notes: null,
    })
  })

  it('deletes only after confirmation', async () => {
    vi.mocked(assets.deleteAsset).mockResolvedValue()
    const { wrapper } = await mountWithApp(AssetsPage, { role: 'admin' })
    await wrapper.get('[aria-label="Delete MacBook Pro"]').trigger('click')
    expect(assets.deleteAsset).not.toHaveBeenCalled()
    await confirmRequire.mock.calls[0]![0].accept()
    expect(assets.deleteAsset).toHaveBeenCalledWith('a1')
  })
})
