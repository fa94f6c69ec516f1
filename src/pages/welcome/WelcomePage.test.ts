import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import * as workspaces from '@/api/workspaces'
import { AppError } from '@/lib/errors'
import { mountWithApp } from '@/test/mountWithApp'
import WelcomePage from './WelcomePage.vue'

vi.mock('@/api/workspaces')

describe('WelcomePage', () => {
  it('shows the workspace limit in the database’s words, on the page', async () => {
    const message =
      'You own 3 workspaces, and one person may own at most 3. Delete one or transfer its ownership before creating another.'
    vi.mocked(workspaces.createWorkspace).mockRejectedValue(
      new AppError(message, 'workspace_limit_reached', 403),
    )
    const { wrapper } = await mountWithApp(WelcomePage)
    expect(wrapper.find('[data-test="workspace-limit"]').exists()).toBe(false)
    await wrapper.get('#ws-name').setValue('Fourth')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(workspaces.createWorkspace).toHaveBeenCalledWith('Fourth')
    expect(wrapper.get('[data-test="workspace-limit"]').text()).toBe(message)
  })

  it('shows the creation rate limit the same way', async () => {
    const message =
      'You have created 3 workspaces in the last 24 hours, and at most 3 are allowed. Try again after 2026-12-08 10:00 UTC.'
    vi.mocked(workspaces.createWorkspace).mockRejectedValue(
      new AppError(message, 'workspace_rate_limited', 429),
    )
    const { wrapper } = await mountWithApp(WelcomePage)
    await wrapper.get('#ws-name').setValue('Again')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="workspace-limit"]').text()).toBe(message)
  })
})
