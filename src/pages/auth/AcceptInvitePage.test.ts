import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as auth from '@/api/auth'
import * as invitations from '@/api/invitations'
import * as profiles from '@/api/profiles'
import * as workspaces from '@/api/workspaces'
import { AppError } from '@/lib/errors'
import { mountWithApp } from '@/test/mountWithApp'
import AcceptInvitePage from './AcceptInvitePage.vue'

vi.mock('@/api/auth')
vi.mock('@/api/invitations')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')
vi.mock('@/api/profiles')

const Blank = { render: () => null }
const routes = [
  { path: '/accept-invite', component: AcceptInvitePage },
  { path: '/', component: Blank },
  { path: '/first-day', component: Blank },
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

const pendingLink: invitations.InvitationLinkState = {
  state: 'pending',
  workspace_name: 'Globex',
  role: 'member',
  invited_by_name: 'Gina Admin',
  invite_expires_at: '2030-12-04T00:00:00Z',
  email: 'new@globex.com',
}

beforeEach(() => {
  vi.clearAllMocks()
  vi.mocked(auth.getSession).mockResolvedValue(null)
  vi.mocked(auth.onAuthChange).mockReturnValue(() => undefined)
  vi.mocked(auth.verifyEmailToken).mockResolvedValue({
    id: 'new-user',
    email: 'new@globex.com',
  } as never)
  vi.mocked(invitations.invitationLinkState).mockResolvedValue(pendingLink)
  vi.mocked(invitations.pendingInvitationWorkspaceIds).mockResolvedValue(['ws-9'])
  vi.mocked(invitations.invitationDetails).mockResolvedValue(details)
  vi.mocked(workspaces.listMyMemberships).mockResolvedValue([
    {
      id: 'm-9',
      workspace_id: 'ws-9',
      workspace_name: 'Globex',
      role: 'member',
      status: 'active',
      effective_status: 'active',
    },
  ])
  vi.mocked(workspaces.myPermissions).mockResolvedValue(['members.view'])
})

const open = async (query = '?workspace=ws-9&token_hash=hash123&type=invite') => {
  const mounted = await mountWithApp(AcceptInvitePage, {
    signedIn: false,
    routes,
    initialPath: `/accept-invite${query}`,
  })
  await flushPromises()
  // The page asks the invitee's name (issue 23); the tests below give one.
  const name = mounted.wrapper.find('[data-test="invitee-name"]')
  if (name.exists()) await name.setValue('Nora Newcomer')
  return mounted
}

async function fillPassword(wrapper: Awaited<ReturnType<typeof open>>['wrapper'], pw: string) {
  await wrapper.get('#new-password').setValue(pw)
  await wrapper.get('#repeat-password').setValue(pw)
}

describe('AcceptInvitePage', () => {
  it('shows "Join <workspace> as <role>" from the link without spending it', async () => {
    const { wrapper } = await open()
    expect(invitations.invitationLinkState).toHaveBeenCalledWith('ws-9', 'hash123')
    expect(auth.verifyEmailToken).not.toHaveBeenCalled()
    expect(wrapper.get('[data-test="join-title"]').text()).toBe('Join Globex as Member')
    expect(wrapper.text()).toContain('Gina Admin')
  })

  it('spends the link, sets the password, accepts and lands on the first-day page on one click', async () => {
    const { wrapper, router } = await open()
    await fillPassword(wrapper, 'Blue-Kettle-Sings-42')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(auth.verifyEmailToken).toHaveBeenCalledWith('hash123', 'invite')
    expect(auth.updatePassword).toHaveBeenCalledWith('Blue-Kettle-Sings-42')
    expect(invitations.acceptInvitation).toHaveBeenCalledWith('ws-9')
    expect(profiles.updateFullName).toHaveBeenCalledWith(expect.any(String), 'Nora Newcomer')
    expect(router.currentRoute.value.path).toBe('/first-day')
  })

  it('asks the name before anything else is spent, and shows the role in one line', async () => {
    const { wrapper } = await open()
    expect(wrapper.get('[data-test="brand"]').text()).toContain('Fluxera')
    expect(wrapper.get('[data-test="role-line"]').text()).toMatch(/^Members /)
    await wrapper.get('[data-test="invitee-name"]').setValue('  ')
    await fillPassword(wrapper, 'Blue-Kettle-Sings-42')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="problem"]').text()).toContain('Enter your name')
    expect(auth.verifyEmailToken).not.toHaveBeenCalled()
  })

  it("shows Auth's refusal of a weak password and does not spend the link twice", async () => {
    vi.mocked(auth.updatePassword).mockRejectedValueOnce(
      new AppError(
        'This password is too weak. It must be at least 10 characters long.',
        'weak_password',
      ),
    )
    const { wrapper } = await open()
    // The policy from supabase/config.toml stops a short password before Auth is asked ...
    await fillPassword(wrapper, 'short')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="problem"]').text()).toMatch(/Passwords need|easy to guess/)
    expect(auth.updatePassword).not.toHaveBeenCalled()
    // ... and what Auth still refuses is shown in its words.
    await fillPassword(wrapper, 'Blue-Kettle-Sings-41')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="error"]').text()).toMatch(/too weak/)
    expect(invitations.acceptInvitation).not.toHaveBeenCalled()
    await fillPassword(wrapper, 'Blue-Kettle-Sings-42')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(auth.verifyEmailToken).toHaveBeenCalledTimes(1)
    expect(invitations.acceptInvitation).toHaveBeenCalledWith('ws-9')
  })

  it('asks no password of an existing user following a magic link', async () => {
    const { wrapper } = await open('?token_hash=h&type=magiclink&workspace=ws-9')
    expect(wrapper.find('#new-password').exists()).toBe(false)
    // an existing account keeps its own name: not asked, not overwritten
    expect(wrapper.find('[data-test="invitee-name"]').exists()).toBe(false)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(auth.updatePassword).not.toHaveBeenCalled()
    expect(profiles.updateFullName).not.toHaveBeenCalled()
    expect(invitations.acceptInvitation).toHaveBeenCalledWith('ws-9')
  })

  it('declines', async () => {
    const { wrapper } = await open()
    await wrapper.get('[data-test="decline"]').trigger('click')
    await flushPromises()
    expect(invitations.declineInvitation).toHaveBeenCalledWith('ws-9')
    expect(wrapper.text()).toContain('Invitation declined')
  })

  it('says a withdrawn invitation was withdrawn, and an expired one whom to ask', async () => {
    vi.mocked(invitations.invitationLinkState).mockResolvedValueOnce({
      ...pendingLink,
      state: 'withdrawn',
    })
    let { wrapper } = await open()
    expect(wrapper.get('[data-test="link-state"]').text()).toBe('This invitation was withdrawn')
    vi.mocked(invitations.invitationLinkState).mockResolvedValueOnce({
      ...pendingLink,
      state: 'expired',
    })
    ;({ wrapper } = await open())
    expect(wrapper.get('[data-test="link-state"]').text()).toBe('This invitation has expired')
    expect(wrapper.text()).toContain('Ask Gina Admin for a new invitation')
    expect(wrapper.find('[data-test="ask-again"]').exists()).toBe(true)
  })

  it('offers a new link when Auth refuses the old one (used, replaced or expired)', async () => {
    vi.mocked(auth.verifyEmailToken).mockRejectedValue(
      new AppError(
        'This link has expired or has already been used. Ask for a new one.',
        'otp_expired',
      ),
    )
    const { wrapper } = await open()
    await fillPassword(wrapper, 'Blue-Kettle-Sings-42')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="link-state"]').text()).toBe('This link no longer works')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(invitations.requestNewInvitationLink).toHaveBeenCalledWith('ws-9', {
      tokenHash: 'hash123',
    })
    expect(wrapper.find('[data-test="new-link-sent"]').exists()).toBe(true)
  })

  it('shows the error of a failed call', async () => {
    vi.mocked(invitations.acceptInvitation).mockRejectedValue(
      new AppError('This invitation has expired; ask for a new one.', 'invitation_expired'),
    )
    const { wrapper } = await open('?token_hash=h&type=magiclink&workspace=ws-9')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="error"]').text()).toMatch(/has expired/)
  })
})
