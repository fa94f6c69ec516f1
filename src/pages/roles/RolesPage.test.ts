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

const confirmRequire = vi.hoisted(() => vi.fn())
vi.mock('primevue/useconfirm', () => ({ useConfirm: () => ({ require: confirmRequire }) }))

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
  vi.mocked(api.setRolePermission).mockResolvedValue()
  confirmRequire.mockReset()
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
    expect(box(wrapper, 'member-billing.manage').disabled).toBe(true)
  })

  it('lets the Owner edit Admin', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'owner' })
    expect(box(wrapper, 'admin-assets.edit').disabled).toBe(false)
  })

  it('is read-only for a Member', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'member' })
    expect(box(wrapper, 'viewer-assets.edit').disabled).toBe(true)
  })

  it('confirms a grant with what it allows, grants through set_role_permission, and can undo', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'admin' })
    await wrapper.get('#perm-member-assets-edit').setValue(true)
    await flushPromises()
    expect(api.setRolePermission).not.toHaveBeenCalled()
    const options = confirmRequire.mock.calls[0]![0]
    expect(options.message).toBe('Members will be able to edit assets.')
    await options.accept()
    await flushPromises()
    expect(api.setRolePermission).toHaveBeenCalledWith('ws-1', 'member', 'assets.edit', true)
    expect(box(wrapper, 'member-assets.edit').checked).toBe(true)
    expect(wrapper.get('[data-test="role-change-done"]').text()).toContain('Members will be able')
    await wrapper.get('[data-test="undo"]').trigger('click')
    await flushPromises()
    expect(api.setRolePermission).toHaveBeenLastCalledWith('ws-1', 'member', 'assets.edit', false)
    expect(box(wrapper, 'member-assets.edit').checked).toBe(false)
  })

  it('shows permissions in words, grouped by area, with each role summarised', async () => {
    const { wrapper } = await mountWithApp(RolesPage, { role: 'admin' })
    expect(wrapper.text()).toContain('Assets — Equipment.')
    expect(wrapper.text()).toContain('Edit assets')
    expect(wrapper.get('[data-test="role-admin"]').text()).toContain('edit assets')
  })
})
