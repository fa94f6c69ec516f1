import { describe, expect, it, vi } from 'vitest'
import { mountWithApp } from '@/test/mountWithApp'
import ForbiddenPage from './ForbiddenPage.vue'

vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')

describe('ForbiddenPage', () => {
  it('names the missing permission and who can grant it', async () => {
    const { wrapper } = await mountWithApp(ForbiddenPage, {
      role: 'member',
      initialPath: '/forbidden?permission=activity.view&from=/activity',
    })
    expect(wrapper.get('[data-test="missing-permission"]').text()).toBe('activity.view')
    expect(wrapper.text()).toContain('Member')
    expect(wrapper.get('[data-test="who-can-grant"]').text()).toMatch(/Owner or an Admin/)
  })

  it('says owner-only permissions cannot be granted', async () => {
    const { wrapper } = await mountWithApp(ForbiddenPage, {
      role: 'admin',
      initialPath: '/forbidden?permission=billing.manage',
    })
    expect(wrapper.get('[data-test="who-can-grant"]').text()).toMatch(/cannot be granted/)
  })

  it('ignores an unknown permission in the address', async () => {
    const { wrapper } = await mountWithApp(ForbiddenPage, {
      initialPath: '/forbidden?permission=x.y',
    })
    expect(wrapper.find('[data-test="missing-permission"]').exists()).toBe(false)
  })
})
