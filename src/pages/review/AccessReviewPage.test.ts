import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as members from '@/api/members'
import * as reviews from '@/api/reviews'
import { memberRow } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import AccessReviewPage from './AccessReviewPage.vue'

vi.mock('@/api/members')
vi.mock('@/api/reviews')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')

const confirmRequire = vi.hoisted(() => vi.fn())
vi.mock('primevue/useconfirm', () => ({ useConfirm: () => ({ require: confirmRequire }) }))

const longAgo = '2020-01-01T00:00:00Z'

beforeEach(() => {
  confirmRequire.mockReset()
  vi.mocked(members.listAllMembers).mockResolvedValue([
    memberRow({ id: 'm-old', email: 'old@x.com', full_name: 'Old Timer', last_active_at: longAgo }),
    memberRow({
      id: 'm-new',
      email: 'new@x.com',
      full_name: 'New Hire',
      last_active_at: new Date().toISOString(),
    }),
    memberRow({ id: 'm-own', role: 'owner', email: 'boss@x.com', last_active_at: longAgo }),
  ])
  vi.mocked(reviews.lastReview).mockResolvedValue(null)
  vi.mocked(members.deactivateMember).mockResolvedValue()
})

describe('AccessReviewPage', () => {
  it('flags idle members and says no review was recorded yet', async () => {
    const { wrapper } = await mountWithApp(AccessReviewPage, { role: 'admin' })
    expect(wrapper.text()).toContain('2 flagged of 3 members')
    expect(wrapper.get('[data-test="last-review"]').text()).toContain('No access review')
  })

  it('bulk-deactivates the selectable flagged members after confirmation, then records the review', async () => {
    vi.mocked(reviews.completeAccessReview).mockResolvedValue({
      id: 'r1',
      workspace_id: 'ws-1',
      reviewer_id: 'user-me',
      completed_at: '2026-11-28T10:00:00Z',
      members_reviewed: 3,
      flagged: 2,
      deactivated: 1,
      notes: null,
    })
    const { wrapper } = await mountWithApp(AccessReviewPage, { role: 'admin' })
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Select flagged')!
      .trigger('click')
    expect(wrapper.get('[data-test="bulk-deactivate"]').text()).toContain('(1)')
    await wrapper.get('[data-test="bulk-deactivate"]').trigger('click')
    expect(members.deactivateMember).not.toHaveBeenCalled()
    await confirmRequire.mock.calls[0]![0].accept()
    expect(members.deactivateMember).toHaveBeenCalledTimes(1)
    expect(members.deactivateMember).toHaveBeenCalledWith('m-old')

    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(reviews.completeAccessReview).toHaveBeenCalledWith('ws-1', null, 1)
    expect(wrapper.get('[data-test="last-review"]').text()).toContain('1 deactivated')
  })
})
