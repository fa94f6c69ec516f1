import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as members from '@/api/members'
import * as offboarding from '@/api/offboarding'
import * as reviews from '@/api/reviews'
import { memberRow } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import AccessReviewPage from './AccessReviewPage.vue'

vi.mock('@/api/members')
vi.mock('@/api/offboarding')
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
  // The database's idle rule flags the two long-idle members (the Owner can still not be selected).
  vi.mocked(reviews.reviewPeriods).mockResolvedValue({ idleDays: 90, presets: [30, 60, 90] })
  vi.mocked(reviews.reviewFlags).mockImplementation(async (_ws, days) =>
    days === 30 ? new Set(['m-old', 'm-own', 'm-mid']) : new Set(['m-old', 'm-own']),
  )
  vi.mocked(offboarding.offboardMembers).mockResolvedValue()
  vi.mocked(members.listActiveMembers).mockResolvedValue([])
  vi.mocked(offboarding.offboardingSummary).mockResolvedValue([])
})

const review = {
  id: 'r1',
  workspace_id: 'ws-1',
  reviewer_id: 'user-me',
  completed_at: '2026-11-28T10:00:00Z',
  members_reviewed: 3,
  flagged: 2,
  deactivated: 1,
  notes: 'Quarterly check',
  idle_days: 90,
  reviewer: { full_name: 'Me Admin', email: 'me@example.com' },
}

describe('AccessReviewPage', () => {
  it('flags idle members and says no review was recorded yet', async () => {
    const { wrapper } = await mountWithApp(AccessReviewPage, { role: 'admin' })
    expect(wrapper.text()).toContain('2 flagged of 3 members')
    expect(wrapper.text()).toContain('not active for 90 days or more')
    expect(reviews.reviewFlags).toHaveBeenCalledWith('ws-1', 90)
    expect(wrapper.get('[data-test="last-review"]').text()).toContain('No access review')
  })

  it('asks the database again when another idle preset is picked, and records that period', async () => {
    vi.mocked(members.listAllMembers).mockResolvedValue([
      memberRow({ id: 'm-old', email: 'old@x.com', last_active_at: longAgo }),
      memberRow({ id: 'm-mid', email: 'mid@x.com', last_active_at: '2026-10-01T00:00:00Z' }),
    ])
    vi.mocked(reviews.completeAccessReview).mockResolvedValue({ ...review, idle_days: 30 })
    const { wrapper } = await mountWithApp(AccessReviewPage, { role: 'admin' })
    expect(wrapper.text()).toContain('1 flagged of 2 members')
    const presets = wrapper.get('[data-test="idle-presets"]')
    expect(presets.text()).toContain('30 days')
    await presets
      .findAll('button, [role="button"], [data-pc-section="button"], .p-togglebutton')
      .find((b) => b.text().includes('30 days'))!
      .trigger('click')
    await flushPromises()
    expect(reviews.reviewFlags).toHaveBeenLastCalledWith('ws-1', 30)
    expect(wrapper.text()).toContain('2 flagged of 2 members')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(reviews.completeAccessReview).toHaveBeenCalledWith('ws-1', null, 30, {})
    expect(wrapper.get('[data-test="last-review"]').text()).toContain('idle 30 days or more')
  })

  it('shows the last review with its date, reviewer and notes', async () => {
    vi.mocked(reviews.lastReview).mockResolvedValue(review)
    const { wrapper } = await mountWithApp(AccessReviewPage, { role: 'admin' })
    const text = wrapper.get('[data-test="last-review"]').text()
    expect(text).toMatch(/Last review: .*2026/)
    expect(wrapper.get('[data-test="last-reviewer"]').text()).toBe('Me Admin (me@example.com)')
    expect(wrapper.get('[data-test="last-review-notes"]').text()).toContain('Quarterly check')
  })

  it('says "a former member" when the reviewer cannot be shown', async () => {
    vi.mocked(reviews.lastReview).mockResolvedValue({ ...review, notes: null, reviewer: null })
    const { wrapper } = await mountWithApp(AccessReviewPage, { role: 'admin' })
    expect(wrapper.get('[data-test="last-reviewer"]').text()).toBe('a former member')
    expect(wrapper.find('[data-test="last-review-notes"]').exists()).toBe(false)
  })

  it('bulk-deactivates the selected flagged members through the offboarding step, then records the review', async () => {
    vi.mocked(reviews.completeAccessReview).mockResolvedValue(review)
    const { wrapper } = await mountWithApp(AccessReviewPage, { role: 'admin' })
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Select flagged')!
      .trigger('click')
    expect(wrapper.get('[data-test="bulk-deactivate"]').text()).toContain('(1)')
    await wrapper.get('[data-test="bulk-deactivate"]').trigger('click')
    await flushPromises()
    expect(offboarding.offboardingSummary).toHaveBeenCalledWith('m-old')
    expect(wrapper.find('[data-test="holds-nothing"]').exists()).toBe(true)
    expect(offboarding.offboardMembers).not.toHaveBeenCalled()
    await wrapper.get('[data-test="offboard-confirm"]').trigger('click')
    await flushPromises()
    expect(offboarding.offboardMembers).toHaveBeenCalledTimes(1)
    expect(offboarding.offboardMembers).toHaveBeenCalledWith(
      expect.objectContaining({ membershipIds: ['m-old'], action: 'deactivate', holdings: 'keep' }),
    )

    await wrapper.get('form').trigger('submit')
    await flushPromises()
    // The database counts the deactivations itself.
    expect(reviews.completeAccessReview).toHaveBeenCalledWith('ws-1', null, 90, {})
    expect(wrapper.get('[data-test="last-review"]').text()).toContain('1 deactivated')
    expect(wrapper.get('[data-test="last-reviewer"]').text()).toBe('me@example.com')
  })
})
