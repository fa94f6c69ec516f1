import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as activity from '@/api/activity'
import * as members from '@/api/members'
import * as people from '@/api/people'
import { memberRow } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import ActivityPage from './ActivityPage.vue'
import ActivityFilters from './components/ActivityFilters.vue'

vi.mock('@/api/activity')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')
vi.mock('@/api/people')

const entry: activity.ActivityRow = {
  id: 7,
  workspace_id: 'ws-1',
  occurred_at: '2026-11-01T10:00:00Z',
  actor_id: 'u1',
  actor_email: 'ana@x.com',
  action: 'member.role_changed',
  entity_type: 'membership',
  entity_id: 'm-1',
  subject_user_id: 'u2',
  subject_email: 'u2@x.test',
  before: { role: 'member' },
  after: { role: 'admin' },
  ip: '10.0.0.1',
  user_agent: 'test',
}

const burst: activity.ActivityAlert = {
  kind: 'deletion_burst',
  actor_id: 'u1',
  actor_email: 'ana@x.com',
  window_start: '2026-11-28T10:00:00Z',
  window_end: '2026-11-28T10:04:00Z',
  event_count: 10,
  threshold: 10,
}

beforeEach(() => {
  vi.mocked(activity.listActivity)
    .mockReset()
    .mockResolvedValue({ rows: [entry], next: null })
  vi.mocked(activity.countActivityCapped).mockReset().mockResolvedValue({ total: 1, capped: false })
  vi.mocked(members.searchMembers).mockReset().mockResolvedValue([])
  vi.mocked(activity.activityAlerts).mockReset().mockResolvedValue([])
  vi.mocked(people.memberNames).mockResolvedValue([
    { user_id: 'u1', membership_id: 'm-ana', name: 'Ana Admin' },
    { user_id: 'u2', membership_id: 'm-1', name: 'Mia Member' },
  ])
})

describe('ActivityPage', () => {
  it('lists the newest entries of the current workspace', async () => {
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    expect(activity.listActivity).toHaveBeenCalledWith(
      { workspaceId: 'ws-1' },
      { rows: 25, after: null },
    )
    expect(activity.countActivityCapped).toHaveBeenCalledWith({ workspaceId: 'ws-1' })
    await flushPromises()
    const sentence = wrapper.get('[data-test="sentence"]')
    expect(sentence.text()).toBe("Ana Admin changed Mia Member's role from Member to Admin")
    expect(people.memberNames).toHaveBeenCalledWith('ws-1', ['u1', 'u2'])
    // Names link to the member; the action reads as words from the database catalogue.
    expect(sentence.findAll('a').map((a) => a.attributes('href'))).toEqual([
      '/users?member=m-ana',
      '/users?member=m-1',
    ])
    expect(wrapper.text()).toContain('Role changed')
    expect(wrapper.text()).not.toContain('member.role_changed')
  })

  it('offers every catalogued action in words, grouped, and applies a choice at once', async () => {
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    const filters = wrapper.findComponent(ActivityFilters)
    const select = filters.findComponent({ name: 'Select' })
    const groups = select.props('options') as { label: string; items: { value: string }[] }[]
    const keys = groups.flatMap((g) => g.items.map((i) => i.value))
    expect(keys).toContain('member.sessions_revoked')
    expect(groups.map((g) => g.label)).toContain('Account')
    vi.mocked(activity.listActivity).mockClear()
    select.vm.$emit('update:modelValue', 'member.suspended')
    await flushPromises()
    expect(activity.listActivity).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'member.suspended' }),
      { rows: 25, after: null },
    )
  })

  it('shows the alerts of the last 24 hours above the log', async () => {
    vi.mocked(activity.activityAlerts).mockResolvedValue([burst])
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    expect(activity.activityAlerts).toHaveBeenCalledWith('ws-1')
    const alert = wrapper.get('[data-test="alert-deletion_burst"]').text()
    expect(alert).toContain('Burst of deletions')
    expect(alert).toContain('ana@x.com deleted 10 assets, licences or members')
  })

  it('shows no alert panel when nothing unusual happened', async () => {
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    expect(wrapper.find('[data-test="activity-alerts"]').exists()).toBe(false)
  })

  it('applies filters on the server from the first page, the actor resolved to members', async () => {
    vi.mocked(members.searchMembers).mockResolvedValue([
      memberRow({ user_id: 'u-ana', full_name: 'Ana Admin' }),
      memberRow({ user_id: 'u-anatole', full_name: 'Anatole' }),
    ])
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    vi.mocked(activity.listActivity).mockClear()
    wrapper
      .findComponent(ActivityFilters)
      .vm.$emit('apply', { action: 'member.removed', actor: 'ana' })
    await flushPromises()
    expect(members.searchMembers).toHaveBeenCalledWith('ws-1', 'ana', { limit: 50 })
    const want = {
      workspaceId: 'ws-1',
      action: 'member.removed',
      actor: null,
      actorIds: ['u-ana', 'u-anatole'],
    }
    expect(activity.listActivity).toHaveBeenCalledWith(want, { rows: 25, after: null })
    expect(activity.countActivityCapped).toHaveBeenLastCalledWith(want)
  })

  it('matches an actor who is not in the directory by exact email', async () => {
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    wrapper.findComponent(ActivityFilters).vm.$emit('apply', { actor: 'gone@x.com' })
    await flushPromises()
    expect(activity.listActivity).toHaveBeenLastCalledWith(
      { workspaceId: 'ws-1', actor: 'gone@x.com' },
      { rows: 25, after: null },
    )
  })

  it('pages by keyset, older and newer, counting only once', async () => {
    const cursor = { at: '2026-11-01T10:00:00.123456+00:00', id: 7 }
    vi.mocked(activity.listActivity).mockResolvedValue({ rows: [entry], next: cursor })
    vi.mocked(activity.countActivityCapped).mockResolvedValue({ total: 10000, capped: true })
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    expect(wrapper.get('[data-test="activity-range"]').text()).toContain('10,000+')
    await wrapper.get('[data-test="activity-older"]').trigger('click')
    await flushPromises()
    expect(activity.listActivity).toHaveBeenLastCalledWith(
      { workspaceId: 'ws-1' },
      { rows: 25, after: cursor },
    )
    expect(wrapper.get('[data-test="activity-range"]').text()).toMatch(/^26/)
    await wrapper.get('[data-test="activity-newer"]').trigger('click')
    await flushPromises()
    expect(activity.listActivity).toHaveBeenLastCalledWith(
      { workspaceId: 'ws-1' },
      { rows: 25, after: null },
    )
    expect(activity.countActivityCapped).toHaveBeenCalledTimes(1)
  })

  it('verifies the hash chain and reports tampering', async () => {
    vi.mocked(activity.verifyActivityLog).mockResolvedValue({
      ok: false,
      rows_checked: 40,
      first_bad_id: 12,
    })
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    await wrapper.get('[data-test="verify"]').trigger('click')
    await flushPromises()
    expect(activity.verifyActivityLog).toHaveBeenCalledWith(
      'ws-1',
      expect.objectContaining({ onProgress: expect.any(Function) }),
    )
    expect(wrapper.get('[data-test="integrity"]').text()).toContain('entry #12')
  })

  it('verifies against the checkpoint in a file kept earlier and says what is wrong', async () => {
    vi.mocked(activity.verifyAgainstCheckpoint).mockResolvedValue({
      ok: false,
      rows_checked: 40,
      first_bad_id: null,
      checkpoint_ok: false,
      problem: 'checkpoint_hash_mismatch',
    })
    const { wrapper } = await mountWithApp(ActivityPage, { role: 'admin' })
    const cp = {
      workspace_id: 'ws-1',
      last_id: 7,
      hash: 'a'.repeat(64),
      row_count: 7,
      taken_at: 'x',
    }
    const input = wrapper.get('[data-test="checkpoint-file"]')
    const file = new File([JSON.stringify({ checkpoint: cp, rows: [] })], 'export.json')
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await flushPromises()
    expect(activity.verifyAgainstCheckpoint).toHaveBeenCalledWith('ws-1', cp)
    expect(wrapper.get('[data-test="integrity"]').text()).toContain('rewritten')
  })

  it('offers export only with activity.export', async () => {
    const withExport = await mountWithApp(ActivityPage, { role: 'admin' })
    expect(withExport.wrapper.text()).toContain('Export CSV')
    const without = await mountWithApp(ActivityPage, { permissions: ['activity.view'] })
    expect(without.wrapper.text()).not.toContain('Export CSV')
  })
})
