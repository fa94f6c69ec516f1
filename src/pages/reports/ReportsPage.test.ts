import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import * as activity from '@/api/activity'
import * as reports from '@/api/reports'
import * as download from '@/lib/download'
import { mountWithApp } from '@/test/mountWithApp'
import ReportsPage from './ReportsPage.vue'

vi.mock('@/api/activity')
vi.mock('@/api/reports')
vi.mock('@/api/invitations')
vi.mock('@/lib/download')
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
  it('charts the counts the database made over every row', async () => {
    vi.mocked(reports.workspaceReport).mockResolvedValue({
      members_by_role: { owner: 1, admin: 200, member: 7000, viewer: 2799 },
      members_by_status: { active: 9000, pending: 1000 },
      assets_by_status: { in_stock: 22_500, assigned: 27_500 },
      activity_per_day: null,
    })
    const { wrapper } = await mountWithApp(ReportsPage, { role: 'viewer' })
    expect(reports.workspaceReport).toHaveBeenCalledWith('ws-1', expect.any(Date), expect.any(Date))
    const doughnut = JSON.parse(wrapper.get('[data-chart="doughnut"]').text())
    expect(doughnut.labels).toEqual(['Owner', 'Admin', 'Member', 'Viewer'])
    expect(doughnut.datasets[0].data).toEqual([1, 200, 7000, 2799])
    const pie = JSON.parse(wrapper.get('[data-chart="pie"]').text())
    expect(pie.datasets[0].data).toContain(27_500)
    // The figures are written out, not only drawn.
    expect(wrapper.findAll('[data-test="figures"]')[0]!.text()).toBe(
      'Owner: 1 · Admin: 200 · Member: 7000 · Viewer: 2799',
    )
    expect(wrapper.text()).not.toContain('Changes per day')
    expect(activity.activityAlerts).not.toHaveBeenCalled()
  })

  it('charts activity per day over the chosen range, with empty days', async () => {
    const today = new Date()
    const pad = (n: number) => String(n).padStart(2, '0')
    const day = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`
    vi.mocked(reports.workspaceReport).mockResolvedValue({
      members_by_role: {},
      members_by_status: {},
      assets_by_status: {},
      activity_per_day: [{ day, count: 1234 }],
    })
    vi.mocked(activity.activityAlerts).mockResolvedValue([])
    const { wrapper } = await mountWithApp(ReportsPage, { role: 'admin' })
    const [, from, to] = vi.mocked(reports.workspaceReport).mock.calls[0]!
    expect(Math.round((to.getTime() - from.getTime()) / 86_400_000)).toBe(30)
    const line = JSON.parse(wrapper.get('[data-chart="line"]').text())
    expect(line.labels).toHaveLength(30)
    // Days read in the locale ("Dec 1"), not as ISO dates.
    expect(line.labels.at(-1)).not.toMatch(/^\d{4}-/)
    expect(line.datasets[0].data.at(-1)).toBe(1234)
    expect(line.datasets[0].data[0]).toBe(0)
  })

  it('shows activity alerts on the dashboard to those with activity.view', async () => {
    vi.mocked(reports.workspaceReport).mockResolvedValue({
      members_by_role: {},
      members_by_status: {},
      assets_by_status: {},
      activity_per_day: [],
    })
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

  it('reads a preset range from the database and exports what it returned', async () => {
    vi.mocked(reports.workspaceReport).mockResolvedValue({
      members_by_role: { owner: 1, admin: 2, member: 3, viewer: 0 },
      members_by_status: { active: 6 },
      assets_by_status: {},
      activity_per_day: [{ day: '2000-01-01', count: 5 }],
    })
    vi.mocked(activity.activityAlerts).mockResolvedValue([])
    const { wrapper } = await mountWithApp(ReportsPage, { role: 'admin' })
    // the presets sit in the one date control, under its calendar
    await wrapper.get('#report-range').trigger('click')
    await flushPromises()
    const preset = [...document.body.querySelectorAll('button')].find(
      (b) => b.textContent?.trim() === 'Last 7 days',
    )!
    preset.click()
    await flushPromises()
    const [, from, to] = vi.mocked(reports.workspaceReport).mock.lastCall!
    expect(Math.round((to.getTime() - from.getTime()) / 86_400_000)).toBe(7)
    const line = JSON.parse(wrapper.get('[data-chart="line"]').text())
    expect(line.labels).toHaveLength(7)
    expect(wrapper.text()).toContain('Changes per day, last 7 days')
    const saved = vi.mocked(download.saveFile)
    await wrapper.get('[data-test="export-reports"]').trigger('click')
    const lines = saved.mock.lastCall![1] as string[]
    expect(lines[0]).toBe('Chart,Label,Value\r\n')
    expect(lines).toContain('Members by role,Member,3\r\n')
    expect(lines.filter((l) => l.startsWith('Changes per day,'))).toHaveLength(7)
  })
})
