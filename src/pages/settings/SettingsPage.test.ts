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
  activity_retention_days: null,
  created_at: '',
  updated_at: '',
}

beforeEach(() => {
  vi.clearAllMocks()
  vi.mocked(workspaces.getWorkspace).mockResolvedValue(ws)
  vi.mocked(workspaces.listMyMemberships).mockResolvedValue([])
  vi.mocked(members.listActiveMembers).mockResolvedValue(TEAM)
  // "everyone": the database says the rule applies to every member.
  vi.mocked(members.twoFactorRuleAppliesTo).mockResolvedValue(
    new Set([...TEAM.map((m) => m.user_id!), 'user-me']),
  )
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

  describe('requiring two-factor authentication (bug 1)', () => {
    const chooseEveryone = async (wrapper: Awaited<ReturnType<typeof mountWithApp>>['wrapper']) => {
      await wrapper
        .findComponent({ name: 'SelectButton' })
        .vm.$emit('update:modelValue', 'everyone')
      await wrapper.get('[aria-labelledby="general-title"]').trigger('submit')
      await flushPromises()
    }

    it('refuses when it would shut out the Owner saving it, and names who is not enrolled, the Owner first', async () => {
      const owner = { ...TEAM[0]!, user_id: 'user-me' }
      vi.mocked(members.listActiveMembers).mockResolvedValue([TEAM[2]!, owner])
      vi.mocked(members.workspaceMfaStatus).mockResolvedValue(new Map())
      const { wrapper } = await mountWithApp(SettingsPage, { role: 'owner' })
      await chooseEveryone(wrapper)
      expect(workspaces.updateWorkspace).not.toHaveBeenCalled()
      const dialog = wrapper.get('[data-test="require-2fa-dialog"]')
      expect(dialog.get('[data-test="require-2fa-refused"]').text()).toMatch(/shut you out/)
      expect(dialog.findAll('[data-test="not-enrolled"] li').map((li) => li.text())).toEqual([
        expect.stringContaining('Olga Owner'),
        expect.stringContaining('Ben Member'),
      ])
      expect(dialog.text()).toContain('2 people have not set up')
      expect(dialog.find('[data-test="require-2fa-confirm"]').exists()).toBe(false)
    })

    it('asks first when others are not enrolled, and saves on confirmation', async () => {
      vi.mocked(members.listActiveMembers).mockResolvedValue(TEAM)
      vi.mocked(members.workspaceMfaStatus).mockResolvedValue(new Map([['user-me', true]]))
      vi.mocked(workspaces.updateWorkspace).mockResolvedValue({ ...ws, require_2fa: 'everyone' })
      const { wrapper } = await mountWithApp(SettingsPage, { role: 'admin' })
      await chooseEveryone(wrapper)
      expect(workspaces.updateWorkspace).not.toHaveBeenCalled()
      expect(wrapper.get('[data-test="not-enrolled"]').text()).toContain('Olga Owner')
      await wrapper.get('[data-test="require-2fa-confirm"]').trigger('click')
      await flushPromises()
      expect(workspaces.updateWorkspace).toHaveBeenCalledWith(
        'ws-1',
        expect.objectContaining({ require_2fa: 'everyone' }),
      )
    })
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
