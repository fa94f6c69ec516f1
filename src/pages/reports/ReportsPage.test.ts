import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import * as activity from '@/api/activity'
import * as assets from '@/api/assets'
import * as members from '@/api/members'
import { TEAM } from '@/test/fixtures'
import { mountWithApp } from '@/test/mountWithApp'
import ReportsPage from './ReportsPage.vue'

vi.mock('@/api/activity')
vi.mock('@/api/assets')
vi.mock('@/api/members')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
// Chart.js needs a real canvas; record what would be drawn instead.
vi.mock('primevue/chart', () => ({
  default: defineComponent({
    props: { type: { type: String, default: '' }, data: { type: Object, default: null } },
    setup: (props) => () => h('pre', { 'data-chart': props.type }, JSON.stringify(props.data)),
  }),
}))

describe('ReportsPage', () => {
  it('charts members by role and status from the directory', async () => {
    vi.mocked(members.listAllMembers).mockResolvedValue(TEAM)
    vi.mocked(assets.listAssets).mockResolvedValue([])
    const { wrapper } = await mountWithApp(ReportsPage, { role: 'viewer' })
    const doughnut = JSON.parse(wrapper.get('[data-chart="doughnut"]').text())
    expect(doughnut.labels).toEqual(['Owner', 'Admin', 'Member', 'Viewer'])
    expect(doughnut.datasets[0].data).toEqual([1, 1, 2, 0])
    // The figures are written out, not only drawn.
    expect(wrapper.get('[data-test="figures"]').text()).toBe(
      'Owner: 1 · Admin: 1 · Member: 2 · Viewer: 0',
    )
    expect(activity.recentActions).not.toHaveBeenCalled()
    expect(wrapper.text()).not.toContain('Changes per day')
    expect(activity.activityAlerts).not.toHaveBeenCalled()
  })

  it('shows activity alerts on the dashboard to those with activity.view', async () => {
    vi.mocked(members.listAllMembers).mockResolvedValue(TEAM)
    vi.mocked(assets.listAssets).mockResolvedValue([])
    vi.mocked(activity.recentActions).mockResolvedValue([])
    vi.mocked(activity.activityAlerts).mockResolvedValue([
      {
        kind: 'role_change_burst',
        actor_id: 'u1',
        actor_email: 'ana@x.com',
        window_start: '2026-11-28T10:00:00Z',
        window_end: '2026-11-28T10:04:00Z',
        event_count: 6,
        threshold: 5,
      },
    ])
    const { wrapper } = await mountWithApp(ReportsPage, { role: 'admin' })
    expect(activity.activityAlerts).toHaveBeenCalledWith('ws-1')
    expect(wrapper.get('[data-test="alert-role_change_burst"]').text()).toContain(
      'ana@x.com changed 6 roles',
    )
  })

  it('reads the chosen date range and labels days in the locale', async () => {
    vi.mocked(members.listAllMembers).mockResolvedValue(TEAM)
    vi.mocked(assets.listAssets).mockResolvedValue([])
    vi.mocked(activity.recentActions).mockResolvedValue([
      { action: 'asset.created', occurred_at: new Date().toISOString() },
    ])
    vi.mocked(activity.activityAlerts).mockResolvedValue([])
    const { wrapper } = await mountWithApp(ReportsPage, { role: 'admin' })
    wrapper.findComponent({ name: 'Select' }).vm.$emit('update:modelValue', 7)
    await flushPromises()
    const since = vi.mocked(activity.recentActions).mock.lastCall![1]
    expect(Math.round((Date.now() - since.getTime()) / 86_400_000)).toBe(7)
    const line = JSON.parse(wrapper.get('[data-chart="line"]').text())
    expect(line.labels).toHaveLength(7)
    expect(line.labels[6]).not.toMatch(/^\d{4}-/)
  })
})
