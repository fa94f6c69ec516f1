import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import * as auth from '@/api/auth'
import * as workspaces from '@/api/workspaces'
import { useWorkspaceStore } from '@/stores/workspace'
import { mountWithApp } from '@/test/mountWithApp'
import AppLayout from './AppLayout.vue'

vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')
vi.mock('@/api/activity')

const page = { template: '<p data-test="page">Users page</p>' }

describe('a workspace that requires 2FA of someone not enrolled (bug 1)', () => {
  it('shows one "Set up two-factor authentication" screen with the enrolment, never a permission error', async () => {
    vi.mocked(auth.listTotpFactors).mockResolvedValue([])
    vi.mocked(auth.enrolTotp).mockResolvedValue({
      factorId: 'f1',
      qrCode: 'data:image/png;base64,',
      secret: 'SECRET',
      uri: 'otpauth://',
    } as auth.TotpEnrolment)
    const { wrapper } = await mountWithApp(AppLayout, {
      role: 'owner',
      permissions: [],
      routes: [
        {
          path: '/',
          component: { template: '<RouterView />' },
          children: [{ path: 'users', component: page, meta: { permission: 'members.view' } }],
        },
      ],
      initialPath: '/users',
      global: { stubs: { AppTopbar: true, AppSidebar: true } },
    })
    const store = useWorkspaceStore()
    store.loadedFor = 'user-me'
    store.gates = [
      { workspace_id: 'ws-1', workspace_name: 'Acme', require_2fa: 'everyone', role: 'owner' },
    ]
    await flushPromises()
    const gate = wrapper.get('[data-test="two-factor-gate"]')
    expect(gate.text()).toContain('Set up two-factor authentication to continue')
    expect(gate.text()).toContain('Acme requires two-factor authentication for everyone.')
    expect(wrapper.text()).not.toMatch(/members\\.view|don't have access/)
    expect(wrapper.find('[data-test="page"]').exists()).toBe(false)
    // The enrolment is right there.
    await gate.get('button[aria-label="Set up"], button').trigger('click')
    await flushPromises()
    expect(auth.enrolTotp).toHaveBeenCalled()
    expect(wrapper.text()).toContain('SECRET')
    void workspaces
  })
})
