import { describe, expect, it, vi } from 'vitest'
import * as invitations from '@/api/invitations'
import * as workspaces from '@/api/workspaces'
import { mountWithApp } from '@/test/mountWithApp'
import BillingPage from './BillingPage.vue'

vi.mock('@/api/workspaces')
vi.mock('@/api/invitations')
vi.mock('@/api/auth')

describe('BillingPage', () => {
  it('shows the plan and the seats in use against the limit', async () => {
    vi.mocked(workspaces.getWorkspace).mockResolvedValue({
      id: 'ws-1',
      name: 'Acme',
      invite_expiry_days: 7,
      require_2fa: 'off',
      plan: 'business',
      seat_limit: 25,
      activity_retention_days: null,
      created_at: '',
      updated_at: '',
    })
    vi.mocked(invitations.seatUsage).mockResolvedValue({
      members: 10,
      invitationsPending: 2,
      deactivated: 0,
      inUse: 12,
      limit: 25,
      byRole: { owner: 1, admin: 2, member: 5, viewer: 2 },
    })
    const { wrapper } = await mountWithApp(BillingPage, { role: 'owner' })
    expect(invitations.seatUsage).toHaveBeenCalledWith('ws-1')
    expect(wrapper.get('[data-test="plan"]').text()).toBe('Business')
    expect(wrapper.get('[data-test="billing-headcount"]').text()).toContain(
      '10 members · 2 invitations pending · 12 of 25 seats used',
    )
  })
})
