import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as members from '@/api/members'
import { mountWithApp } from '@/test/mountWithApp'
import { memberRow, TEAM } from '@/test/fixtures'
import UsersPage from './UsersPage.vue'

vi.mock('@/api/members')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/assets')
vi.mock('@/api/licenses')
vi.mock('@/api/activity')

const confirmRequire = vi.hoisted(() => vi.fn())
vi.mock('primevue/useconfirm', () => ({ useConfirm: () => ({ require: confirmRequire }) }))

beforeEach(() => {
  vi.mocked(members.listMembers).mockResolvedValue({ rows: TEAM, total: TEAM.length })
  confirmRequire.mockReset()
})

async function openMenuFor(
  wrapper: Awaited<ReturnType<typeof mountWithApp>>['wrapper'],
  name: string,
) {
  await wrapper.get(`[aria-label="Actions for ${name}"]`).trigger('click')
  await flushPromises()
}

describe('UsersPage', () => {
  it('loads the first page of the directory for the current workspace', async () => {
    await mountWithApp(UsersPage, { role: 'admin' })
    expect(members.listMembers).toHaveBeenCalledWith(
      expect.objectContaining({ workspaceId: 'ws-1', first: 0, rows: 20 }),
    )
  })

  it('shows names, roles, statuses and suspension dates', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    const text = wrapper.text()
    expect(text).toContain('Ben Member')
    expect(text).toContain('Owner')
    expect(text).toContain('Suspended')
    expect(text).toMatch(/until .*2030/)
  })

  it('hides the Invite button and row actions from a Viewer', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'viewer' })
    expect(wrapper.find('[data-test="invite-button"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="member-actions"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Ben Member')
  })

  it('shows the Invite button to an Admin', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    expect(wrapper.find('[data-test="invite-button"]').exists()).toBe(true)
  })

  it('omits Owner from the role menu of an Admin', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Ben Member')
    expect(wrapper.find('[data-test="menu-role-admin"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="menu-role-viewer"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="menu-role-member"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="menu-role-owner"]').exists()).toBe(false)
  })

  it('shows the Owner that ownership moves only by transfer', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'owner' })
    await openMenuFor(wrapper, 'Ben Member')
    const owner = wrapper.get('[data-test="menu-role-owner"]')
    expect(owner.attributes('aria-disabled')).toBe('true')
    expect(owner.text()).toMatch(/Transfer ownership/)
  })

  it('blocks every action on the Owner, with the reason', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Olga Owner')
    const deactivate = wrapper.get('[data-test="menu-deactivate"]')
    expect(deactivate.attributes('aria-disabled')).toBe('true')
    expect(deactivate.text()).toMatch(/Owner cannot be changed/)
    await deactivate.trigger('click')
    expect(confirmRequire).not.toHaveBeenCalled()
  })

  it('blocks changing yourself', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Me Admin')
    expect(wrapper.get('[data-test="menu-role-viewer"]').text()).toMatch(/your own role/)
  })

  it('changes a role only after confirmation, with the right arguments, then reloads', async () => {
    vi.mocked(members.changeMemberRole).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Ben Member')
    await wrapper.get('[data-test="menu-role-viewer"]').trigger('click')

    expect(confirmRequire).toHaveBeenCalledTimes(1)
    const options = confirmRequire.mock.calls[0]![0]
    expect(options.message).toBe('Change Ben Member from Member to Viewer?')
    expect(members.changeMemberRole).not.toHaveBeenCalled()

    vi.mocked(members.listMembers).mockClear()
    await options.accept()
    await flushPromises()
    expect(members.changeMemberRole).toHaveBeenCalledWith('m-ben', 'viewer')
    expect(members.listMembers).toHaveBeenCalledTimes(1)
  })

  it('offers Lift for a suspended member and calls the api after confirmation', async () => {
    vi.mocked(members.liftSuspension).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Sue Suspended')
    await wrapper.get('[data-test="menu-lift"]').trigger('click')
    await confirmRequire.mock.calls[0]![0].accept()
    expect(members.liftSuspension).toHaveBeenCalledWith('m-sue')
  })

  it('suspends through the dialog, then confirmation', async () => {
    vi.mocked(members.suspendMember).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Ben Member')
    await wrapper.get('[data-test="menu-suspend"]').trigger('click')
    await flushPromises()
    await wrapper.get('#suspend-reason').setValue('Laptop lost')
    await wrapper.get('#suspend-form').trigger('submit')
    const options = confirmRequire.mock.calls[0]![0]
    expect(options.message).toBe('Suspend Ben Member until you lift it? They lose access at once.')
    await options.accept()
    expect(members.suspendMember).toHaveBeenCalledWith('m-ben', null, 'Laptop lost')
  })

  it('revokes a pending invitation through revoke_invitation', async () => {
    vi.mocked(members.listMembers).mockResolvedValue({
      rows: [
        ...TEAM,
        memberRow({
          id: 'm-pen',
          full_name: 'Pat Pending',
          status: 'pending',
          effective_status: 'pending',
        }),
      ],
      total: 5,
    })
    vi.mocked(members.revokeInvitation).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Pat Pending')
    expect(wrapper.find('[data-test="menu-suspend"]').exists()).toBe(false)
    await wrapper.get('[data-test="menu-revoke"]').trigger('click')
    await confirmRequire.mock.calls[0]![0].accept()
    expect(members.revokeInvitation).toHaveBeenCalledWith('m-pen')
    expect(members.removeMember).not.toHaveBeenCalled()
  })

  it('filters by role on the server, from the first page', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    vi.mocked(members.listMembers).mockClear()
    const toolbar = wrapper.findComponent({ name: 'MembersToolbar' })
    toolbar.vm.$emit('update:role', 'viewer')
    await flushPromises()
    expect(members.listMembers).toHaveBeenCalledWith(
      expect.objectContaining({ role: 'viewer', first: 0 }),
    )
  })
})
