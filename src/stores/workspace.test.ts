import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '@/api/workspaces'
import type { MyMembership } from '@/api/workspaces'
import { useWorkspaceStore } from './workspace'

vi.mock('@/api/workspaces')

const acme: MyMembership = {
  id: 'm1',
  workspace_id: 'ws-acme',
  workspace_name: 'Acme Corp',
  role: 'member',
  status: 'active',
  effective_status: 'active',
  suspended_until: null,
  status_reason: null,
}
const other: MyMembership = { ...acme, id: 'm2', workspace_id: 'ws-other', workspace_name: 'Other' }

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  vi.mocked(api.myPermissions).mockReset().mockResolvedValue(['assets.view'])
})

describe('workspace store: locked out', () => {
  it('explains a deactivation in the remembered workspace, by its remembered name', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme])
    const store = useWorkspaceStore()
    await store.load('u1')
    expect(store.lockout).toBeNull()

    // Reload (new store): the membership is inactive and RLS hides the workspace name.
    setActivePinia(createPinia())
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([
      {
        ...acme,
        workspace_name: '',
        status: 'inactive',
        effective_status: 'inactive',
        status_reason: 'Left the company',
      },
    ])
    const reloaded = useWorkspaceStore()
    await reloaded.load('u1')
    expect(reloaded.current).toBeNull()
    expect(reloaded.permissions).toEqual([])
    expect(reloaded.lockout).toEqual({
      kind: 'inactive',
      workspaceId: 'ws-acme',
      workspaceName: 'Acme Corp',
      suspendedUntil: null,
      reason: 'Left the company',
    })
  })

  it('keeps the locked workspace current while others stay open to switch to', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme, other])
    const store = useWorkspaceStore()
    await store.load('u1')
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([
      {
        ...acme,
        status: 'suspended',
        effective_status: 'suspended',
        suspended_until: '2999-01-01T00:00:00Z',
      },
      other,
    ])
    await store.refresh()
    expect(store.lockout?.kind).toBe('suspended')
    expect(store.lockout?.suspendedUntil).toBe('2999-01-01T00:00:00Z')
    expect(store.available.map((m) => m.workspace_id)).toEqual(['ws-other'])
    await store.select('ws-other')
    expect(store.lockout).toBeNull()
  })

  it('follows the database: a suspension it reports as ended is active', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([
      {
        ...acme,
        status: 'suspended',
        effective_status: 'active',
        suspended_until: '2020-01-01T00:00:00Z',
      },
    ])
    const store = useWorkspaceStore()
    await store.load('u1')
    expect(store.lockout).toBeNull()
    expect(store.current?.workspace_id).toBe('ws-acme')
  })

  it('says the person was signed out when their session was revoked (everything vanishes)', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme])
    const store = useWorkspaceStore()
    await store.load('u1')
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([])
    vi.mocked(api.sessionAlive).mockResolvedValueOnce(false)
    await store.refresh()
    expect(store.lockout).toEqual({
      kind: 'signed_out',
      workspaceId: 'ws-acme',
      workspaceName: 'Acme Corp',
    })
  })

  it('says so after a reload too, by the remembered name', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme])
    await useWorkspaceStore().load('u1')
    setActivePinia(createPinia()) // a reload: a fresh store, localStorage kept
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([])
    vi.mocked(api.sessionAlive).mockResolvedValueOnce(false)
    const store = useWorkspaceStore()
    await store.load('u1')
    expect(store.lockout).toMatchObject({ kind: 'signed_out', workspaceName: 'Acme Corp' })
  })

  it('says so when the membership disappears mid-session', async () => {
    vi.mocked(api.sessionAlive).mockResolvedValue(true)
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme])
    const store = useWorkspaceStore()
    await store.load('u1')
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([])
    await store.refresh()
    expect(store.lockout).toEqual({
      kind: 'removed',
      workspaceId: 'ws-acme',
      workspaceName: 'Acme Corp',
    })
  })

  it('forgets a remembered workspace the person was never seen in (another user)', async () => {
    localStorage.setItem('fluxera.workspace', 'ws-someone-else')
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme])
    const store = useWorkspaceStore()
    await store.load('u1')
    expect(store.lockout).toBeNull()
    expect(store.currentId).toBe('ws-acme')
  })
})

describe('workspace store: the starting workspace (bug 5)', () => {
  const beta: MyMembership = { ...acme, id: 'm3', workspace_id: 'ws-beta', workspace_name: 'Beta' }

  it('keeps the last workspace used, per user', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValue([acme, beta])
    const store = useWorkspaceStore()
    await store.load('u1')
    await store.select('ws-beta')
    store.reset()
    await store.load('u2')
    expect(store.currentId).toBe('ws-acme') // another person on the same browser: their own choice
    store.reset()
    await store.load('u1')
    expect(store.currentId).toBe('ws-beta')
  })

  it('starts in the same workspace whatever order the database returns them in', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([beta, acme])
    const first = useWorkspaceStore()
    await first.load('u1')
    localStorage.clear()
    setActivePinia(createPinia())
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme, beta])
    const second = useWorkspaceStore()
    await second.load('u1')
    expect(first.currentId).toBe('ws-acme')
    expect(second.currentId).toBe('ws-acme')
  })

  it('explains a workspace closed for want of two-factor authentication', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme])
    vi.mocked(api.myTwoFactorGates).mockResolvedValueOnce([
      {
        workspace_id: 'ws-acme',
        workspace_name: 'Acme Corp',
        require_2fa: 'admins',
        role: 'admin',
      },
    ])
    const store = useWorkspaceStore()
    await store.load('u1')
    expect(store.lockout).toEqual({
      kind: 'two_factor',
      workspaceId: 'ws-acme',
      workspaceName: 'Acme Corp',
      requirement: 'admins',
    })
  })

  it('explains a workspace that requires single sign-on (docs/sso.md)', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([acme])
    vi.mocked(api.mySsoGates).mockResolvedValueOnce([
      {
        workspace_id: 'ws-acme',
        workspace_name: 'Acme Corp',
        connection_name: 'Okta',
        role: 'owner',
      },
    ])
    const store = useWorkspaceStore()
    await store.load('u1')
    expect(store.lockout).toEqual({
      kind: 'sso',
      workspaceId: 'ws-acme',
      workspaceName: 'Acme Corp',
      connectionName: 'Okta',
      owner: true,
    })
  })

  it('explains a suspension on first sign-in instead of offering a new workspace (bug 4)', async () => {
    vi.mocked(api.listMyMemberships).mockResolvedValueOnce([
      {
        ...acme,
        status: 'suspended',
        effective_status: 'suspended',
        suspended_until: '2999-01-01T00:00:00Z',
        status_reason: 'Audit',
      },
    ])
    const store = useWorkspaceStore()
    await store.load('u1')
    expect(store.current).toBeNull()
    expect(store.lockout).toMatchObject({
      kind: 'suspended',
      workspaceName: 'Acme Corp',
      suspendedUntil: '2999-01-01T00:00:00Z',
      reason: 'Audit',
    })
  })
})
