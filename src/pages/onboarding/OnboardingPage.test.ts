import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as members from '@/api/members'
import * as onboarding from '@/api/onboarding'
import { memberRow } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import OnboardingPage from './OnboardingPage.vue'

vi.mock('@/api/members')
vi.mock('@/api/onboarding')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')

const record = (over: Partial<onboarding.RecordWithParts> = {}): onboarding.RecordWithParts => ({
  id: 'r-1',
  workspace_id: 'ws-1',
  user_id: 'u-nina',
  status: 'open',
  kit_ids: ['k-1'],
  kit_names: ['New starter'],
  started_at: '2026-12-01T09:00:00Z',
  finished_at: null,
  finished_by: null,
  onboarding_items: [
    {
      id: 'i-1',
      workspace_id: 'ws-1',
      record_id: 'r-1',
      user_id: 'u-nina',
      kit_id: 'k-1',
      kind: 'asset',
      wanted: 'A Laptop',
      asset_category: 'Laptop',
      asset_model: null,
      license_id: null,
      asset_id: null,
      state: 'none_in_stock',
      reserved_label: null,
      handed_over_at: null,
      handed_over_by: null,
    },
  ],
  onboarding_tasks: [
    {
      id: 't-1',
      workspace_id: 'ws-1',
      record_id: 'r-1',
      user_id: 'u-nina',
      kit_id: 'k-1',
      title: 'Create the email account',
      owner_role: 'admin',
      owner_user_id: null,
      due_on: '2026-12-01',
      sort_order: 1,
      completed_at: null,
      completed_by: null,
    },
  ],
  ...over,
})

beforeEach(() => {
  vi.mocked(onboarding.listRecords).mockResolvedValue([record()])
  vi.mocked(members.membersByUserIds).mockResolvedValue([
    memberRow({ user_id: 'u-nina', full_name: 'Nina Newcomer', email: 'nina@x.com' }),
  ])
})

describe('OnboardingPage', () => {
  it('lists a new member with progress, who it waits on, overdue tasks and what is not in stock', async () => {
    const { wrapper } = await mountWithApp(OnboardingPage)
    await flushPromises()
    const card = wrapper.get('[data-test="onboarding-record"]').text()
    expect(card).toContain('Nina Newcomer')
    expect(card).toContain('0 of 2 steps done')
    expect(card).toContain('Waiting on Admins (1), 1 item to hand over')
    expect(card).toContain('Overdue')
    expect(card).toContain('None in stock')
  })

  it('completes a task in one click and reloads', async () => {
    vi.mocked(onboarding.completeTask).mockResolvedValue(false)
    const { wrapper } = await mountWithApp(OnboardingPage)
    await flushPromises()
    const loads = vi.mocked(onboarding.listRecords).mock.calls.length
    await wrapper.get('button[aria-label="Mark done: Create the email account"]').trigger('click')
    await flushPromises()
    expect(onboarding.completeTask).toHaveBeenCalledWith('t-1')
    expect(onboarding.listRecords).toHaveBeenCalledTimes(loads + 1)
  })

  it('offers Hand over only to those who may assign assets', async () => {
    const { wrapper } = await mountWithApp(OnboardingPage, {
      permissions: ['members.view', 'members.manage'],
    })
    await flushPromises()
    expect(wrapper.find('button[aria-label="Hand over: A Laptop"]').exists()).toBe(false)
    expect(wrapper.find('button[aria-label="Mark done: Create the email account"]').exists()).toBe(
      true,
    )
  })
})
