import { describe, expect, it } from 'vitest'
import type { RouteMeta } from 'vue-router'
import type { PermissionKey } from '@/lib/permissions'
import { decideAccess, safeRedirect, type AccessContext } from './guard'

const to = (fullPath: string, meta: RouteMeta = {}) => ({ fullPath, meta, name: undefined })
const ctx = (over: Partial<AccessContext> = {}): AccessContext => ({
  isSignedIn: true,
  hasWorkspace: true,
  can: () => true,
  ...over,
})

describe('decideAccess', () => {
  it('lets anyone reach public pages', () => {
    expect(decideAccess(to('/sign-in', { public: true }), ctx({ isSignedIn: false }))).toBe(true)
  })

  it('sends signed-out people to sign-in with the page to come back to', () => {
    expect(
      decideAccess(
        to('/activity?action=x', { permission: 'activity.view' }),
        ctx({ isSignedIn: false }),
      ),
    ).toEqual({
      name: 'sign-in',
      query: { redirect: '/activity?action=x' },
    })
  })

  it('sends people without the permission to the forbidden page, naming it', () => {
    const can = (p: PermissionKey) => p !== 'activity.view'
    expect(decideAccess(to('/activity', { permission: 'activity.view' }), ctx({ can }))).toEqual({
      name: 'forbidden',
      query: { permission: 'activity.view', from: '/activity' },
    })
  })

  it('lets people with the permission through', () => {
    expect(decideAccess(to('/users', { permission: 'members.view' }), ctx())).toBe(true)
  })

  it('sends people with no active workspace to the welcome page', () => {
    expect(
      decideAccess(to('/users', { permission: 'members.view' }), ctx({ hasWorkspace: false })),
    ).toEqual({
      name: 'welcome',
    })
  })

  it('lets a locked-out member through, so the layout can explain why', () => {
    expect(
      decideAccess(
        to('/assets', { permission: 'assets.view' }),
        ctx({ hasWorkspace: false, lockedOut: true, can: () => false }),
      ),
    ).toBe(true)
  })

  it('needs only sign-in for pages without a permission', () => {
    expect(decideAccess(to('/account'), ctx({ hasWorkspace: false, can: () => false }))).toBe(true)
  })
})

describe('safeRedirect', () => {
  it('follows local paths only', () => {
    expect(safeRedirect('/users?x=1')).toBe('/users?x=1')
    expect(safeRedirect('//evil.example')).toBe('/')
    expect(safeRedirect('https://evil.example')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})
