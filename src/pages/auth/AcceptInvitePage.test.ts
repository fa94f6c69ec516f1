import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as auth from '@/api/auth'
import * as invitations from '@/api/invitations'
import * as workspaces from '@/api/workspaces'
import { AppError } from '@/lib/errors'
import { mountWithApp } from '@/test/mountWithApp'
import AcceptInvitePage from './AcceptInvitePage.vue'

vi.mock('@/api/auth')
vi.mock('@/api/invitations')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')

const Blank = { render: () => null }
const routes = [
  { path: '/accept-invite', component: AcceptInvitePage },
  { path: '/', component: Blank },
  { path: '/sign-in', component: Blank },
]
const details: invitations.InvitationDetails = {
  membership_id: 'm-9',
  workspace_id: 'ws-9',
  workspace_name: 'Globex',
  role: 'member',
  invited_by_email: 'admin@globex.com',
  invited_by_name: 'Gina Admin',
  invited_at: '2026-11-27T00:00:00Z',
  invite_expires_at: '2030-12-04T00:00:00Z',
  expired: false,
}

beforeEach(() => {
  vi.clearAllMocks()
  vi.mocked(auth.verifyEmailToken).mockResolvedValue({
    id: 'new-user',
    email: 'new@globex.com',
  } as never)
  vi.mocked(invitations.pendingInvitationWorkspaceIds).mockResolvedValue(['ws-9'])
  vi.mocked(invitations.invitationDetails).mockResolvedValue(details)
  vi.mocked(workspaces.listMyMemberships).mockResolvedValue([
    { id: 'm-9', workspace_id: 'ws-9', workspace_name: 'Globex', role: 'member', status: 'active' },
  ])
  vi.mocked(workspaces.myPermissions).mockResolvedValue(['members.view'])
})

const open = (query = '?token_hash=hash123&type=invite') =>
  mountWithApp(AcceptInvitePage, { signedIn: false, routes, initialPath: `/accept-invite${query}` })

async function continueOn(wrapper: Awaited<ReturnType<typeof open>>['wrapper']) {
  await wrapper.get('[data-test="continue"]').trigger('click')
  await flushPromises()
}

describe('AcceptInvitePage', () => {
  it('does not spend the token when the link is merely opened', async () => {
    await open()
    expect(auth.verifyEmailToken).not.toHaveBeenCalled()
    expect(invitations.invitationDetails).not.toHaveBeenCalled()
  })

  it('verifies on Continue, then shows "Join <workspace> as <role>"', async () => {
    const { wrapper } = await open()
    await continueOn(wrapper)
    expect(auth.verifyEmailToken).toHaveBeenCalledWith('hash123', 'invite')
    expect(invitations.invitationDetails).toHaveBeenCalledWith('ws-9')
    expect(wrapper.get('[data-test="join-title"]').text()).toBe('Join Globex as Member')
    expect(wrapper.text()).toContain('Gina Admin')
  })

  it('needs a good password before accepting, then sets it, accepts and lands in the workspace', async () => {
    const { wrapper, router } = await open()
    await continueOn(wrapper)
    await wrapper.get('#new-password').setValue('short')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('[data-test="problem"]').text()).toMatch(/Passwords need|easy to guess/)
    expect(invitations.acceptInvitation).not.toHaveBeenCalled()

    await wrapper.get('#new-password').setValue('Blue-Kettle-Sings-42')
    await wrapper.get('#repeat-password').setValue('Blue-Kettle-Sings-42')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(auth.updatePassword).toHaveBeenCalledWith('Blue-Kettle-Sings-42')
    expect(invitations.acceptInvitation).toHaveBeenCalledWith('ws-9')
    expect(router.currentRoute.value.path).toBe('/')
  })

  it('asks no password of an existing user following a magic link', async () => {
    const { wrapper } = await open('?token_hash=h&type=magiclink&workspace=ws-9')
    await continueOn(wrapper)
    expect(invitations.pendingInvitationWorkspaceIds).not.toHaveBeenCalled()
    expect(wrapper.find('#new-password').exists()).toBe(false)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(auth.updatePassword).not.toHaveBeenCalled()
    expect(invitations.acceptInvitation).toHaveBeenCalledWith('ws-9')
  })

  it('declines', async () => {
    const { wrapper } = await open()
    await continueOn(wrapper)
    await wrapper.get('[data-test="decline"]').trigger('click')
    await flushPromises()
    expect(invitations.declineInvitation).toHaveBeenCalledWith('ws-9')
    expect(wrapper.text()).toContain('Invitation declined')
  })

  it('explains a used or expired link', async () => {
    vi.mocked(auth.verifyEmailToken).mockRejectedValue(
      new AppError(
        'This link has expired or has already been used. Ask for a new one.',
        'otp_expired',
      ),
    )
    const { wrapper } = await open()
    await continueOn(wrapper)
    expect(wrapper.get('[data-test="error"]').text()).toMatch(/expired or has already been used/)
  })
})
