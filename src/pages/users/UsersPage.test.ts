import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as invitations from '@/api/invitations'
import * as members from '@/api/members'
import * as offboarding from '@/api/offboarding'
import { AppError } from '@/lib/errors'
import { mountWithApp } from '@/test/mountWithApp'
import type { MemberRow } from '@/api/members'
import { actionsAsAdmin, memberRow, TEAM } from '@/test/fixtures'
import BulkActions from './components/BulkActions.vue'
import MembersTable from './components/MembersTable.vue'
import UsersPage from './UsersPage.vue'

vi.mock('@/api/members')
vi.mock('@/api/directory')
vi.mock('@/api/invitations')
vi.mock('@/api/people')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/assets')
vi.mock('@/api/licenses')
vi.mock('@/api/activity')
vi.mock('@/api/offboarding')

const toastAdd = vi.hoisted(() => vi.fn())
vi.mock('primevue/usetoast', () => ({ useToast: () => ({ add: toastAdd }) }))

const confirmRequire = vi.hoisted(() => vi.fn())
vi.mock('primevue/useconfirm', () => ({ useConfirm: () => ({ require: confirmRequire }) }))

beforeEach(() => {
  vi.mocked(members.listMembers).mockResolvedValue(TEAM)
  vi.mocked(members.countMembers).mockReset().mockResolvedValue(TEAM.length)
  confirmRequire.mockReset()
  toastAdd.mockReset()
  vi.mocked(offboarding.offboardingSummary).mockReset().mockResolvedValue([])
  vi.mocked(offboarding.offboardMembers).mockReset().mockResolvedValue()
  vi.mocked(members.listActiveMembers).mockResolvedValue(TEAM)
  vi.mocked(members.deactivateMember).mockReset().mockResolvedValue()
})

const BEN = TEAM[2]!
const SUE = TEAM[3]!
const LAPTOP: offboarding.Holding = {
  kind: 'asset',
  id: 'a-1',
  name: 'MacBook Pro',
  tag: 'LT-7',
  license_id: null as unknown as string,
  assigned_at: '2026-11-01T00:00:00Z',
}

async function openMenuFor(
  wrapper: Awaited<ReturnType<typeof mountWithApp>>['wrapper'],
  name: string,
) {
  await wrapper.get(`[aria-label="Actions for ${name}"]`).trigger('click')
  await flushPromises()
}

/** A row turned into a pending invitation, with the menu the database gives a pending row. */
const asPending = (m: MemberRow): MemberRow => {
  const row = { ...m, status: 'pending' as const, effective_status: 'pending' as const }
  return { ...row, actions: actionsAsAdmin(row) }
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

  it('suspends through the dialog, then the offboarding step', async () => {
    vi.mocked(members.suspendMember).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Ben Member')
    await wrapper.get('[data-test="menu-suspend"]').trigger('click')
    await flushPromises()
    await wrapper.get('#suspend-reason').setValue('Laptop lost')
    await wrapper.get('#suspend-form').trigger('submit')
    await flushPromises()
    expect(offboarding.offboardingSummary).toHaveBeenCalledWith('m-ben')
    const dialog = wrapper.get('[data-test="offboard-dialog"]')
    expect(dialog.text()).toContain('Ben Member will be suspended until lifted')
    expect(dialog.text()).toContain('They hold no assets or licence seats.')
    expect(offboarding.offboardMembers).not.toHaveBeenCalled()
    await wrapper.get('[data-test="offboard-confirm"]').trigger('click')
    await flushPromises()
    expect(offboarding.offboardMembers).toHaveBeenCalledWith({
      membershipIds: ['m-ben'],
      action: 'suspend',
      holdings: 'keep',
      toUserId: null,
      until: null,
      reason: 'Laptop lost',
    })
  })

  it('deactivating lists what the member holds and checks it in, in the same call', async () => {
    vi.mocked(offboarding.offboardingSummary).mockResolvedValue([LAPTOP])
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Ben Member')
    await wrapper.get('[data-test="menu-deactivate"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-test="holdings"]').text()).toContain('MacBook Pro (LT-7)')
    const confirmButton = wrapper.get('[data-test="offboard-confirm"]')
    expect(confirmButton.attributes('disabled'), 'a choice is needed first').toBeDefined()
    await wrapper.get('#offboard-checkin').setValue(true)
    await confirmButton.trigger('click')
    await flushPromises()
    expect(offboarding.offboardMembers).toHaveBeenCalledTimes(1)
    expect(offboarding.offboardMembers).toHaveBeenCalledWith(
      expect.objectContaining({
        membershipIds: ['m-ben'],
        action: 'deactivate',
        holdings: 'checkin',
      }),
    )
    expect(members.deactivateMember).not.toHaveBeenCalled()
  })

  it('hands the holdings to another active member, offering only others', async () => {
    vi.mocked(offboarding.offboardingSummary).mockResolvedValue([LAPTOP])
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Ben Member')
    await wrapper.get('[data-test="menu-deactivate"]').trigger('click')
    await flushPromises()
    await wrapper.get('#offboard-reassign').setValue(true)
    const picker = wrapper
      .findAllComponents({ name: 'Select' })
      .find((c) => c.attributes('data-test') === 'offboard-recipient')!
    const options = picker.props('options') as { value: string }[]
    expect(options.map((o) => o.value)).not.toContain('user-ben')
    picker.vm.$emit('update:modelValue', 'user-sue')
    await flushPromises()
    await wrapper.get('[data-test="offboard-confirm"]').trigger('click')
    await flushPromises()
    expect(offboarding.offboardMembers).toHaveBeenCalledWith(
      expect.objectContaining({
        membershipIds: ['m-ben'],
        action: 'deactivate',
        holdings: 'reassign',
        toUserId: 'user-sue',
      }),
    )
  })

  it('leaves the holdings alone when asked', async () => {
    vi.mocked(offboarding.offboardingSummary).mockResolvedValue([LAPTOP])
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Ben Member')
    await wrapper.get('[data-test="menu-deactivate"]').trigger('click')
    await flushPromises()
    await wrapper.get('#offboard-keep').setValue(true)
    await wrapper.get('[data-test="offboard-confirm"]').trigger('click')
    await flushPromises()
    expect(offboarding.offboardMembers).toHaveBeenCalledWith(
      expect.objectContaining({ membershipIds: ['m-ben'], action: 'deactivate', holdings: 'keep' }),
    )
  })

  it('changes the role of the selected members in one call, after confirmation', async () => {
    vi.mocked(members.changeMembersRole).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    expect(wrapper.find('[data-test="bulk-actions"]').exists()).toBe(false)
    expect(wrapper.find('input[type="checkbox"]').exists(), 'rows can be ticked').toBe(true)
    wrapper.findComponent(MembersTable).vm.$emit('update:selection', [BEN, SUE])
    await flushPromises()
    expect(wrapper.get('[data-test="bulk-actions"]').text()).toContain('2 selected')
    wrapper.findComponent(BulkActions).vm.$emit('changeRole', 'viewer')
    const options = confirmRequire.mock.calls[0]![0]
    expect(options.message).toBe(
      'Change the role of 2 members to Viewer? Ben Member, Sue Suspended.',
    )
    expect(members.changeMembersRole).not.toHaveBeenCalled()
    await options.accept()
    await flushPromises()
    expect(members.changeMembersRole).toHaveBeenCalledWith(['m-ben', 'm-sue'], 'viewer')
    expect(wrapper.find('[data-test="bulk-actions"]').exists(), 'selection cleared').toBe(false)
  })

  it('skips yourself and the Owner in a bulk action, says why, and acts on the rest (bug 3)', async () => {
    vi.mocked(members.changeMembersRole).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    wrapper.findComponent(MembersTable).vm.$emit('update:selection', [TEAM[0], TEAM[1], BEN])
    await flushPromises()
    wrapper.findComponent(BulkActions).vm.$emit('changeRole', 'viewer')
    const options = confirmRequire.mock.calls[0]![0]
    expect(options.message).toMatch(
      /^Change the role of 1 member to Viewer\? Ben Member\. Skipped: /,
    )
    expect(options.message).toContain('Olga Owner (The Owner cannot be changed')
    expect(options.message).toContain('Me Admin (You cannot change your own role or status)')
    await options.accept()
    await flushPromises()
    expect(members.changeMembersRole).toHaveBeenCalledWith(['m-ben'], 'viewer')
  })

  it('shows the database error naming the first offending member of a bulk call', async () => {
    vi.mocked(invitations.resendInvitations).mockRejectedValue(
      new AppError('ben@example.com: This invitation is not pending.', 'not_pending'),
    )
    const pending = asPending(BEN)
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    wrapper.findComponent(MembersTable).vm.$emit('update:selection', [pending])
    await flushPromises()
    await wrapper.get('[data-test="bulk-resend"]').trigger('click')
    await confirmRequire.mock.calls[0]![0].accept()
    expect(invitations.resendInvitations).toHaveBeenCalledWith(['m-ben'])
    expect(toastAdd).toHaveBeenCalledWith(
      expect.objectContaining({
        severity: 'error',
        detail: 'ben@example.com: This invitation is not pending.',
      }),
    )
  })

  it('resends in one call and names each invitee whose new mail could not be sent', async () => {
    vi.mocked(invitations.resendInvitations).mockResolvedValue({
      resent: ['sue@example.com'],
      failed: [
        { email: 'ben@example.com', reason: 'Auth is not reachable.', code: 'auth_unavailable' },
      ],
    })
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    wrapper
      .findComponent(MembersTable)
      .vm.$emit('update:selection', [asPending(BEN), asPending(SUE)])
    await flushPromises()
    await wrapper.get('[data-test="bulk-resend"]').trigger('click')
    await confirmRequire.mock.calls[0]![0].accept()
    await flushPromises()
    expect(invitations.resendInvitations).toHaveBeenCalledWith(['m-ben', SUE.id])
    expect(toastAdd).toHaveBeenCalledWith(
      expect.objectContaining({
        severity: 'error',
        summary: 'No new mail could be sent to 1 invitee',
        detail: 'ben@example.com: Auth is not reachable.',
      }),
    )
  })

  it('bulk-deactivates through the offboarding step in one call', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    wrapper.findComponent(MembersTable).vm.$emit('update:selection', [BEN, SUE])
    await flushPromises()
    await wrapper.get('[data-test="bulk-deactivate"]').trigger('click')
    await flushPromises()
    expect(offboarding.offboardingSummary).toHaveBeenCalledTimes(2)
    await wrapper.get('[data-test="offboard-confirm"]').trigger('click')
    await flushPromises()
    expect(offboarding.offboardMembers).toHaveBeenCalledWith(
      expect.objectContaining({ membershipIds: ['m-ben', 'm-sue'], action: 'deactivate' }),
    )
    expect(members.deactivateMembers).not.toHaveBeenCalled()
  })

  it('shows last active and the inviter only to members.manage holders (hidden values are not "Never")', async () => {
    const viewer = (await mountWithApp(UsersPage, { role: 'viewer' })).wrapper
    const headers = (w: typeof viewer) => w.findAll('th').map((th) => th.text())
    expect(headers(viewer)).not.toContain('Last active')
    expect(headers(viewer)).not.toContain('Invited by')
    expect(viewer.find('[data-test="filter-sign-in"]').exists()).toBe(false)
    const admin = (await mountWithApp(UsersPage, { role: 'admin' })).wrapper
    expect(headers(admin)).toEqual(expect.arrayContaining(['Last active', 'Invited by']))
    expect(admin.find('[data-test="filter-sign-in"]').exists()).toBe(true)
  })

  it('offers no row selection to a Viewer', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'viewer' })
    expect(wrapper.find('input[type="checkbox"]').exists()).toBe(false)
  })

  it('shows members.manage holders whether a member has TOTP enrolled', async () => {
    vi.mocked(members.memberMfaStatus).mockResolvedValue(true)
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    const name = wrapper.findAll('.member-name').find((b) => b.text().includes('Ben Member'))!
    await name.trigger('click')
    await flushPromises()
    expect(members.memberMfaStatus).toHaveBeenCalledWith('ws-1', 'user-ben')
    expect(wrapper.get('[data-test="member-2fa"]').text()).toContain('2FA set up')
  })

  it('revokes a pending invitation through revoke_invitation', async () => {
    vi.mocked(members.listMembers).mockResolvedValue([
      ...TEAM,
      memberRow({
        id: 'm-pen',
        full_name: 'Pat Pending',
        status: 'pending',
        effective_status: 'pending',
      }),
    ])
    vi.mocked(invitations.revokeInvitation).mockResolvedValue()
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    await openMenuFor(wrapper, 'Pat Pending')
    expect(wrapper.find('[data-test="menu-suspend"]').exists()).toBe(false)
    await wrapper.get('[data-test="menu-revoke"]').trigger('click')
    await confirmRequire.mock.calls[0]![0].accept()
    expect(invitations.revokeInvitation).toHaveBeenCalledWith('m-pen')
    expect(members.removeMember).not.toHaveBeenCalled()
  })

  it('counts the members once per filter, not on every page turn or sort', async () => {
    const { wrapper } = await mountWithApp(UsersPage, { role: 'admin' })
    expect(members.countMembers).toHaveBeenCalledTimes(1)
    expect(wrapper.text()).toContain('Ben Member')
    const table = wrapper.findComponent(MembersTable)
    table.vm.$emit('page', 20, 20)
    table.vm.$emit('sort', 'full_name', 1)
    await flushPromises()
    expect(members.listMembers).toHaveBeenLastCalledWith(
      expect.objectContaining({ first: 0, sortField: 'full_name', sortOrder: 1 }),
    )
    expect(members.countMembers).toHaveBeenCalledTimes(1)
    wrapper.findComponent({ name: 'MembersToolbar' }).vm.$emit('update:status', 'suspended')
    await flushPromises()
    expect(members.countMembers).toHaveBeenCalledTimes(2)
    expect(members.countMembers).toHaveBeenLastCalledWith(
      expect.objectContaining({ workspaceId: 'ws-1', status: 'suspended' }),
    )
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
