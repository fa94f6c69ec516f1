import { describe, expect, it, vi } from 'vitest'
import type { WorkspaceRole } from '@/lib/roles'
import { mountWithApp } from '@/test/mountWithApp'
import AppMenu from './AppMenu.vue'

vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')

async function labels(role: WorkspaceRole) {
  const { wrapper } = await mountWithApp(AppMenu, { role })
  return wrapper.findAll('a').map((a) => a.text())
}

describe('AppMenu', () => {
  it('shows a Viewer only what a Viewer may open', async () => {
    expect(await labels('viewer')).toEqual([
      'Users',
      'Roles & Permissions',
      'Assets',
      'Licences',
      'Reports',
      'Help',
    ])
  })

  it('shows an Admin everything but Billing', async () => {
    const items = await labels('admin')
    expect(items).toContain('Activity')
    expect(items).toContain('Settings')
    expect(items).toContain('Access review')
    expect(items).not.toContain('Billing')
  })

  it('shows the Owner Billing', async () => {
    expect(await labels('owner')).toContain('Billing')
  })
})
