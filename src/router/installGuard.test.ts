import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import * as auth from '@/api/auth'
import * as workspaces from '@/api/workspaces'
import { sessionStorageKey } from '@/lib/storedSession'
import { installGuard } from './guard'

vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')

const Blank = { render: () => null }

function makeRouter() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/sign-in', name: 'sign-in', component: Blank, meta: { public: true } },
      {
        path: '/activity',
        name: 'activity',
        component: Blank,
        meta: { permission: 'activity.view' },
      },
      { path: '/users', name: 'users', component: Blank, meta: { permission: 'members.view' } },
      { path: '/forbidden', name: 'forbidden', component: Blank },
      { path: '/welcome', name: 'welcome', component: Blank },
      { path: '/account', name: 'account', component: Blank },
      { path: '/link-error', name: 'link-error', component: Blank, meta: { public: true } },
    ],
  })
  installGuard(router)
  return router
}

function signedInAs(permissions: string[]) {
  // What supabase-js leaves in the browser once someone signed in (the guard looks before loading it).
  localStorage.setItem(sessionStorageKey, '{}')
  vi.mocked(auth.getSession).mockResolvedValue({ user: { id: 'u1', email: 'u1@x.com' } } as never)
  vi.mocked(workspaces.listMyMemberships).mockResolvedValue([
    {
      id: 'm1',
      workspace_id: 'ws-1',
      workspace_name: 'Acme',
      role: 'member',
      status: 'active',
      effective_status: 'active',
    },
  ])
  vi.mocked(workspaces.myPermissions).mockResolvedValue(permissions)
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  vi.clearAllMocks()
  vi.mocked(auth.onAuthChange).mockReturnValue(() => undefined)
  vi.mocked(auth.assuranceLevel).mockResolvedValue({ current: 'aal1', next: 'aal1' })
  vi.mocked(auth.workspacesRequiringTwoFactor).mockResolvedValue([])
  vi.mocked(workspaces.sessionAlive).mockResolvedValue(true)
})

describe('installGuard', () => {
  it('lets a signed-out visitor see a public page without asking Auth', async () => {
    const router = makeRouter()
    await router.push('/sign-in')
    expect(router.currentRoute.value.name).toBe('sign-in')
    expect(auth.getSession).not.toHaveBeenCalled()
  })

  it('sends a signed-out visitor to sign-in, remembering the page', async () => {
    vi.mocked(auth.getSession).mockResolvedValue(null)
    const router = makeRouter()
    await router.push('/activity?action=member.removed')
    expect(router.currentRoute.value.name).toBe('sign-in')
    expect(router.currentRoute.value.query.redirect).toBe('/activity?action=member.removed')
  })

  it('sends a member without the permission to the forbidden page', async () => {
    signedInAs(['members.view'])
    const router = makeRouter()
    await router.push('/activity')
    expect(router.currentRoute.value.name).toBe('forbidden')
    expect(router.currentRoute.value.query.permission).toBe('activity.view')
    expect(workspaces.myPermissions).toHaveBeenCalledWith('ws-1')
  })

  it('lets a member with the permission in', async () => {
    signedInAs(['members.view'])
    const router = makeRouter()
    await router.push('/users')
    expect(router.currentRoute.value.name).toBe('users')
  })

  it('sends someone with no active workspace to the welcome page', async () => {
    signedInAs([])
    vi.mocked(workspaces.listMyMemberships).mockResolvedValue([])
    const router = makeRouter()
    await router.push('/users')
    expect(router.currentRoute.value.name).toBe('welcome')
  })

  it('asks a person with a verified factor for the code before any page (aal1 → aal2)', async () => {
    signedInAs(['members.view'])
    vi.mocked(auth.assuranceLevel).mockResolvedValue({ current: 'aal1', next: 'aal2' })
    const router = makeRouter()
    await router.push('/users')
    expect(router.currentRoute.value.name).toBe('sign-in')
    expect(router.currentRoute.value.query.redirect).toBe('/users')
  })

  it('sends a member without a factor to enrol when the workspace requires 2FA', async () => {
    signedInAs(['members.view'])
    vi.mocked(auth.workspacesRequiringTwoFactor).mockResolvedValue(['ws-1'])
    const router = makeRouter()
    await router.push('/users')
    expect(router.currentRoute.value.name).toBe('account')
    expect(router.currentRoute.value.query.enrol).toBe('required')
  })

  it('lets an aal2 session through a workspace that requires 2FA', async () => {
    signedInAs(['members.view'])
    vi.mocked(auth.assuranceLevel).mockResolvedValue({ current: 'aal2', next: 'aal2' })
    vi.mocked(auth.workspacesRequiringTwoFactor).mockResolvedValue(['ws-1'])
    const router = makeRouter()
    await router.push('/users')
    expect(router.currentRoute.value.name).toBe('users')
  })

  it('clears tokens Auth left in the address bar, and shows a refused link on its own page', async () => {
    signedInAs(['members.view'])
    const router = makeRouter()
    await router.push('/users#access_token=abc&refresh_token=def&type=magiclink')
    expect(router.currentRoute.value.fullPath).toBe('/users')
    await router.push('/users#error=access_denied&error_code=otp_expired&error_description=x')
    expect(router.currentRoute.value.name).toBe('link-error')
    expect(router.currentRoute.value.query).toMatchObject({ code: 'otp_expired', next: '/users' })
  })
})
