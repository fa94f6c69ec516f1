import { describe, expect, it, vi } from 'vitest'
import { mountWithApp } from '@/test/mountWithApp'
import { useWorkspaceStore } from '@/stores/workspace'
import * as auth from '@/api/auth'
import LockedOut from './LockedOut.vue'

vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/invitations')

const lockout = {
  kind: 'inactive' as const,
  workspaceId: 'ws-acme',
  workspaceName: 'Acme Corp',
  suspendedUntil: null,
  reason: null,
}

describe('LockedOut', () => {
  it('explains the deactivation and offers sign-out', async () => {
    vi.mocked(auth.signOut).mockResolvedValue()
    const { wrapper, router } = await mountWithApp(LockedOut, {
      props: { lockout },
      routes: [
        { path: '/', component: { render: () => null } },
        { path: '/sign-in', name: 'sign-in', component: { render: () => null } },
      ],
    })
    useWorkspaceStore().memberships = []
    await wrapper.vm.$nextTick()
    expect(wrapper.text()).toContain('Your access to Acme Corp has been deactivated.')
    expect(wrapper.text()).toContain('Ask an admin of Acme Corp to reactivate you.')
    expect(wrapper.find('[data-test="other-workspaces"]').exists()).toBe(false)
    await wrapper.get('[data-test="locked-out-sign-out"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'))
    expect(auth.signOut).toHaveBeenCalled()
  })

  it('after being signed out, offers "Back to sign-in" rather than another sign-out (issue 23)', async () => {
    vi.mocked(auth.signOut).mockResolvedValue()
    const { wrapper, router } = await mountWithApp(LockedOut, {
      props: { lockout: { ...lockout, kind: 'signed_out' as const } },
      routes: [
        { path: '/', component: { render: () => null } },
        { path: '/sign-in', name: 'sign-in', component: { render: () => null } },
      ],
    })
    useWorkspaceStore().memberships = []
    await wrapper.vm.$nextTick()
    expect(wrapper.text()).toContain('You have been signed out')
    expect(wrapper.find('[data-test="locked-out-sign-out"]').exists()).toBe(false)
    const back = wrapper.get('[data-test="locked-out-sign-in"]')
    expect(back.text()).toBe('Back to sign-in')
    await back.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'))
  })

  it('offers the workspaces still open', async () => {
    const { wrapper } = await mountWithApp(LockedOut, { props: { lockout } })
    // mountWithApp's member is active in "Acme" (ws-1): offered as a way out.
    expect(wrapper.get('[data-test="other-workspaces"]').text()).toContain('Acme')
  })
})

describe('LockedOut: answering an invitation in the app (bug 4)', () => {
  it('lets a pending member accept without the email link', async () => {
    const invitations = await import('@/api/invitations')
    vi.mocked(invitations.acceptInvitation).mockResolvedValue()
    const { wrapper } = await mountWithApp(LockedOut, {
      props: { lockout: { kind: 'pending', workspaceId: 'ws-acme', workspaceName: 'Acme Corp' } },
      routes: [{ path: '/:any(.*)*', name: 'home', component: { render: () => null } }],
    })
    expect(wrapper.text()).toContain('You have been invited to Acme Corp')
    await wrapper.get('[data-test="locked-out-accept"]').trigger('click')
    await vi.waitFor(() => expect(invitations.acceptInvitation).toHaveBeenCalledWith('ws-acme'))
  })

  it('tells a suspended member until when and why', async () => {
    const { wrapper } = await mountWithApp(LockedOut, {
      props: {
        lockout: {
          kind: 'suspended',
          workspaceId: 'ws-acme',
          workspaceName: 'Acme Corp',
          suspendedUntil: '2999-01-02T12:00:00Z',
          reason: 'Security review',
        },
      },
    })
    expect(wrapper.get('h1').text()).toMatch(/suspended until .*2999/)
    expect(wrapper.text()).toContain('Reason given: Security review')
    expect(wrapper.text()).not.toContain('Create')
  })
})
