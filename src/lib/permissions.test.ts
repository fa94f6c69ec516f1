import { describe, expect, it } from 'vitest'
import {
  canEditRolePermission,
  editableRoles,
  isAllowed,
  isPermissionKey,
  PERMISSION_KEYS,
  whoCanGrant,
} from './permissions'

describe('isAllowed', () => {
  it('allows a permission that is granted', () => {
    expect(isAllowed(['members.view', 'members.invite'], 'members.invite')).toBe(true)
  })

  it('refuses a permission that is not granted', () => {
    expect(isAllowed(['members.view'], 'members.invite')).toBe(false)
  })

  it('refuses everything for an empty grant (signed out, inactive, no workspace)', () => {
    for (const key of PERMISSION_KEYS) expect(isAllowed([], key)).toBe(false)
  })

  it('matches whole keys only, not prefixes', () => {
    expect(isAllowed(['assets'], 'assets.view')).toBe(false)
    expect(isAllowed(['assets.view.extra'], 'assets.view')).toBe(false)
  })

  it('rejects misspelt keys at compile time', () => {
    // @ts-expect-error "members.invtie" is not in the catalogue
    expect(isAllowed(['members.invtie'], 'members.invtie')).toBe(true)
  })
})

describe('isPermissionKey', () => {
  it('recognises catalogue keys only', () => {
    expect(isPermissionKey('billing.manage')).toBe(true)
    expect(isPermissionKey('billing.steal')).toBe(false)
    expect(isPermissionKey(42)).toBe(false)
  })
})

const OWNER_ONLY = new Set(['billing.manage', 'workspace.delete', 'ownership.transfer'])

describe('role permission editing', () => {
  const granted = ['settings.manage']

  it('lets the Owner edit Admin, Member and Viewer', () => {
    expect(editableRoles('owner')).toEqual(['admin', 'member', 'viewer'])
    expect(canEditRolePermission('owner', granted, 'admin', 'assets.delete', OWNER_ONLY)).toBe(true)
  })

  it('lets an Admin edit Member and Viewer only', () => {
    expect(canEditRolePermission('admin', granted, 'member', 'assets.edit', OWNER_ONLY)).toBe(true)
    expect(canEditRolePermission('admin', granted, 'admin', 'assets.edit', OWNER_ONLY)).toBe(false)
  })

  it('never lets owner-only permissions be granted', () => {
    expect(canEditRolePermission('owner', granted, 'admin', 'billing.manage', OWNER_ONLY)).toBe(
      false,
    )
  })

  it('needs settings.manage', () => {
    expect(canEditRolePermission('admin', [], 'member', 'assets.edit', OWNER_ONLY)).toBe(false)
  })
})

describe('whoCanGrant', () => {
  it('says owner-only permissions cannot be granted', () => {
    expect(whoCanGrant('billing.manage', 'admin', OWNER_ONLY)).toMatch(/cannot be granted/)
  })

  it('points an Admin to the Owner', () => {
    expect(whoCanGrant('activity.export', 'admin', OWNER_ONLY)).toMatch(
      /Owner can grant it to the Admin role/,
    )
  })

  it('points a Member to the Owner or an Admin', () => {
    expect(whoCanGrant('activity.view', 'member', OWNER_ONLY)).toMatch(/Owner or an Admin/)
  })
})
