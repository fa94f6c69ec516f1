import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as licenses from '@/api/licenses'
import * as members from '@/api/members'
import { TEAM } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import LicensesPage from './LicensesPage.vue'

vi.mock('@/api/licenses')
vi.mock('@/api/members')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')

beforeEach(() => {
  vi.mocked(licenses.listLicenses).mockResolvedValue([
    {
      id: 'l1',
      workspace_id: 'ws-1',
      product: 'Figma',
      vendor: 'Figma Inc',
      seats: 5,
      expires_on: '2000-01-01',
      notes: null,
      created_by: null,
      created_at: '',
      updated_at: '',
      seats_used: 1,
    },
  ])
  vi.mocked(licenses.countLicenses).mockResolvedValue(1)
  vi.mocked(licenses.listSeats).mockResolvedValue([
    {
      id: 's1',
      workspace_id: 'ws-1',
      license_id: 'l1',
      user_id: 'user-ben',
      assigned_by: null,
      assigned_at: '',
    },
  ])
  vi.mocked(members.membersByUserIds).mockResolvedValue(TEAM)
  vi.mocked(members.searchMembers).mockResolvedValue(TEAM)
})

describe('LicensesPage', () => {
  it('shows seats in use and flags expired licences', async () => {
    const { wrapper } = await mountWithApp(LicensesPage, { role: 'viewer' })
    expect(wrapper.text()).toContain('1 / 5')
    expect(wrapper.text()).toContain('Expired')
    expect(licenses.listLicenses).toHaveBeenCalledWith(
      expect.objectContaining({ workspaceId: 'ws-1', first: 0, rows: 25 }),
    )
    expect(members.listAllMembers).not.toHaveBeenCalled()
  })

  it('loads the seats and holder names of one licence when its seats are opened', async () => {
    const { wrapper } = await mountWithApp(LicensesPage, { role: 'admin' })
    expect(licenses.listSeats).not.toHaveBeenCalled()
    await wrapper.get('[aria-label="Seats of Figma"]').trigger('click')
    await flushPromises()
    expect(licenses.listSeats).toHaveBeenCalledWith('l1')
    expect(members.membersByUserIds).toHaveBeenCalledWith('ws-1', ['user-ben'])
  })

  it('lets a Member add licences but not edit or delete them', async () => {
    const { wrapper } = await mountWithApp(LicensesPage, { role: 'member' })
    expect(wrapper.text()).toContain('New licence')
    expect(wrapper.find('[aria-label="Edit Figma"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Delete Figma"]').exists()).toBe(false)
  })

  it('gives an Admin edit and delete', async () => {
    const { wrapper } = await mountWithApp(LicensesPage, { role: 'admin' })
    expect(wrapper.find('[aria-label="Edit Figma"]').exists()).toBe(true)
    expect(wrapper.find('[aria-label="Delete Figma"]').exists()).toBe(true)
  })
})
