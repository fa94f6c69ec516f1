import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '@/api/permissions'
import { mountWithApp } from '@/test/mountWithApp'
import RolesPage from './RolesPage.vue'

vi.mock('@/api/permissions')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')
vi.mock('@/api/directory')
vi.mock('@/api/invitations')

const perm = (key: string, owner_only = false, sort_order = 1): api.Permission => ({
  key,
  resource: key.split('.')[0]!,
  action: key.split('.')[1]!,
  description: `Can ${key}`,
  owner_only,
  default_roles: [],
  sort_order,
})

beforeEach(() => {
  vi.mocked(api.listPermissions).mockResolvedValue([
    perm('assets.edit'),
    perm('billing.manage', true, 2),
  ])
  vi.mocked(api.listRolePermissions).mockResolvedValue([
    {
      workspace_id: 'ws-1',
      role: 'admin',
      permission: 'assets.edit',
      owner_only: false,
      granted_by: null,
      granted_at: '',
    },
  ])
})

const box = (wrapper: Awaited<ReturnType<typeof mountWithApp>>['wrapper'], id: string) =>
  wrapper.get(`#perm-${id.replace('.', '-')}`).element as HTMLInputElement

describe('RolesPage', () => {
  it('shows the matrix with the Owner holding everything', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'admin' })
    expect(box(wrapper, 'owner-billing.manage').checked).toBe(true)
    expect(box(wrapper, 'admin-assets.edit').checked).toBe(true)
    expect(box(wrapper, 'member-assets.edit').checked).toBe(false)
  })

  it('lets an Admin edit Member and Viewer but not Admin or owner-only rows', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'admin' })
    expect(box(wrapper, 'member-assets.edit').disabled).toBe(false)
    expect(box(wrapper, 'admin-assets.edit').disabled).toBe(true)
    // owner-only: a lock instead of a box in every other role's column
    expect(wrapper.find('#perm-member-billing-manage').exists()).toBe(false)
    expect(wrapper.findAll('[data-test="owner-only-lock"]')).toHaveLength(3)
  })

  it('lets the Owner edit Admin', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'owner' })
    expect(box(wrapper, 'admin-assets.edit').disabled).toBe(false)
  })

  it('is read-only for a Member', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'member' })
    expect(box(wrapper, 'viewer-assets.edit').disabled).toBe(true)
  })

  it('collects ticks, previews gains and losses with the people affected, saves them at once, and can undo', async () => {
    vi.mocked(api.setRolePermissions).mockResolvedValue()
    const { wrapper } = await mountWithApp(RolesPage, { role: 'owner' })
    await wrapper.get('#perm-member-assets-edit').setValue(true)
    await wrapper.get('#perm-admin-assets-edit').setValue(false)
    await flushPromises()
    expect(api.setRolePermissions).not.toHaveBeenCalled()
    expect(wrapper.get('[data-test="pending-count"]').text()).toBe('2 unsaved changes')
    // ticking back to the saved state drops the change
    await wrapper.get('#perm-admin-assets-edit').setValue(true)
    expect(wrapper.get('[data-test="pending-count"]').text()).toBe('1 unsaved change')
    await wrapper.get('[data-test="review-changes"]').trigger('click')
    await flushPromises()
    const dialog = document.body.querySelector('[data-test="role-preview"]')!
    expect(dialog.textContent).toContain('Member')
    expect(dialog.textContent).toContain('Gains: edit assets')
    ;(document.body.querySelector('[data-test="save-changes"]') as HTMLElement).click()
    await flushPromises()
    expect(api.setRolePermissions).toHaveBeenCalledWith('ws-1', [
      { role: 'member', permission: 'assets.edit', granted: true },
    ])
    expect(wrapper.get('[data-test="role-change-done"]').text()).toContain('Saved 1 change')
    await wrapper.get('[data-test="undo"]').trigger('click')
    await flushPromises()
    expect(api.setRolePermissions).toHaveBeenLastCalledWith('ws-1', [
      { role: 'member', permission: 'assets.edit', granted: false },
    ])
  })

  it('shows permissions in words, grouped by area, with each role summarised', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'admin' })
    expect(wrapper.text()).toContain('Assets — Equipment.')
    expect(wrapper.text()).toContain('Edit assets')
    expect(wrapper.get('[data-test="role-admin"]').text()).toContain('edit assets')
  })
})
