import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as members from '@/api/members'
import * as sqlCredentials from '@/api/sqlCredentials'
import * as workspaces from '@/api/workspaces'
import { TEAM } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import SettingsPage from './SettingsPage.vue'

vi.mock('@/api/workspaces')
vi.mock('@/api/members')
vi.mock('@/api/auth')
vi.mock('@/api/sqlCredentials')

const ws: workspaces.Workspace = {
  id: 'ws-1',
  name: 'Acme Inc',
  invite_expiry_days: 7,
  require_2fa: 'off',
  plan: 'team',
  seat_limit: 10,
  created_at: '',
  updated_at: '',
}

beforeEach(() => {
  vi.clearAllMocks()
  vi.mocked(workspaces.getWorkspace).mockResolvedValue(ws)
  vi.mocked(workspaces.listMyMemberships).mockResolvedValue([])
  vi.mocked(members.listActiveMembers).mockResolvedValue(TEAM)
  vi.mocked(sqlCredentials.listSqlCredentials).mockResolvedValue([])
})

describe('SettingsPage', () => {
  it('saves name, invitation expiry and the 2FA requirement', async () => {
    vi.mocked(workspaces.updateWorkspace).mockResolvedValue({ ...ws, name: 'Acme Ltd' })
    const { wrapper } = await mountWithApp(SettingsPage, { role: 'admin' })
    await wrapper.get('#ws-name').setValue('  Acme Ltd ')
    await wrapper.get('[aria-labelledby="general-title"]').trigger('submit')
    await flushPromises()
    expect(workspaces.updateWorkspace).toHaveBeenCalledTimes(1)
    expect(workspaces.updateWorkspace).toHaveBeenCalledWith('ws-1', {
      name: 'Acme Ltd',
      invite_expiry_days: 7,
      require_2fa: 'off',
    })
  })

  it('hides transfer and deletion from an Admin', async () => {
    const { wrapper } = await mountWithApp(SettingsPage, { role: 'admin' })
    expect(wrapper.text()).not.toContain('Transfer ownership')
    expect(wrapper.find('[data-test="delete-workspace"]').exists()).toBe(false)
  })

  it('deletes only once the Owner has typed the exact name', async () => {
    vi.mocked(workspaces.deleteWorkspace).mockResolvedValue()
    const { wrapper } = await mountWithApp(SettingsPage, { role: 'owner' })
    expect(wrapper.text()).toContain('Transfer ownership')
    const button = wrapper.get('[data-test="delete-workspace"]')
    await wrapper.get('#confirm-name').setValue('Acme')
    expect(button.attributes('disabled')).toBeDefined()
    await wrapper.get('#confirm-name').setValue('Acme Inc')
    expect(button.attributes('disabled')).toBeUndefined()
    await wrapper.get('[aria-labelledby="delete-title"]').trigger('submit')
    await flushPromises()
    expect(workspaces.deleteWorkspace).toHaveBeenCalledWith('ws-1', 'Acme Inc')
  })

  it('shows SQL access only with reporting.credentials', async () => {
    const { wrapper } = await mountWithApp(SettingsPage, {
      role: 'admin',
      permissions: ['settings.manage'],
    })
    expect(wrapper.text()).not.toContain('SQL access')
    expect(sqlCredentials.listSqlCredentials).not.toHaveBeenCalled()
    const owner = await mountWithApp(SettingsPage, { role: 'owner' })
    expect(owner.wrapper.text()).toContain('SQL access')
    expect(sqlCredentials.listSqlCredentials).toHaveBeenCalledWith('ws-1')
  })
})
