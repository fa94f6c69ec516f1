import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '@/api/directorySync'
import { mountWithApp, WORKSPACE_ID } from '@/test/mountWithApp'
import DirectorySyncPage from './DirectorySyncPage.vue'

vi.mock('@/api/directorySync', async (importOriginal) => ({
  ...(await importOriginal<typeof api>()),
  listConnections: vi.fn(),
  connectionOverview: vi.fn(),
  createConnection: vi.fn(),
  setGroupRoles: vi.fn(),
  listGroupRoles: vi.fn(),
  listTokens: vi.fn(),
  recentRequests: vi.fn(),
  createToken: vi.fn(),
  revokeToken: vi.fn(),
}))
vi.mock('primevue/useconfirm', () => ({ useConfirm: () => ({ require: vi.fn() }) }))

const okta: api.DirectoryConnection = {
  id: 'conn-1',
  workspace_id: WORKSPACE_ID,
  name: 'Okta',
  default_role: 'member',
  send_invitation: false,
  rate_limit_per_minute: 6000,
  created_by: 'user-me',
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
}
const token = (over: Partial<api.DirectoryToken>): api.DirectoryToken => ({
  id: 't-1',
  connection_id: 'conn-1',
  token_hint: 'ab12',
  created_at: '2026-12-01T10:00:00Z',
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
  ...over,
})
const SECRET = `fxscim_${'0'.repeat(60)}beef`

beforeEach(() => {
  vi.clearAllMocks()
  vi.mocked(api.listConnections).mockResolvedValue([])
  vi.mocked(api.connectionOverview).mockResolvedValue([])
  vi.mocked(api.listGroupRoles).mockResolvedValue([])
  vi.mocked(api.listTokens).mockResolvedValue([])
  vi.mocked(api.recentRequests).mockResolvedValue([])
})

describe('DirectorySyncPage', () => {
  it('connects Okta with a group mapping and shows the token once', async () => {
    vi.mocked(api.createConnection).mockResolvedValue(okta)
    vi.mocked(api.createToken).mockResolvedValue({
      id: 't-9',
      token: SECRET,
      token_hint: 'beef',
      expires_at: null,
    })
    const { wrapper } = await mountWithApp(DirectorySyncPage, { role: 'owner' })
    expect(wrapper.text()).toContain('No identity provider is connected')
    await wrapper.get('[data-test="connect-directory"]').trigger('click')
    await flushPromises()
    expect((wrapper.get('#directory-name').element as HTMLInputElement).value).toBe('Okta')
    const add = wrapper.findAll('button').find((b) => b.text() === 'Add a group')!
    await add.trigger('click')
    await wrapper.get('#directory-group-0').setValue(' Fluxera Admins ')
    await wrapper.get('#directory-connection-form').trigger('submit')
    await flushPromises()
    expect(api.createConnection).toHaveBeenCalledWith(WORKSPACE_ID, 'Okta', 'member', false)
    expect(api.setGroupRoles).toHaveBeenCalledWith('conn-1', [
      { group: 'Fluxera Admins', role: 'member' },
    ])
    expect(api.createToken).toHaveBeenCalledWith('conn-1', null)
    expect(wrapper.get('[data-test="scim-token"]').text()).toBe(SECRET)
    expect(document.body.textContent).toContain("you won't see it again")
    // Closing it forgets the token (the browser test checks the page no longer holds it).
    await wrapper.get('[data-test="token-copied"]').trigger('click')
    await flushPromises()
    expect(api.listConnections).toHaveBeenCalledTimes(3)
  })

  it('lists a connection: last request, tokens, requests in words; no third live token', async () => {
    vi.mocked(api.listConnections).mockResolvedValue([okta])
    vi.mocked(api.connectionOverview).mockResolvedValue([
      {
        connection_id: 'conn-1',
        last_request_at: null,
        live_tokens: 2,
        managed_members: 3,
        groups: 1,
      },
    ])
    vi.mocked(api.listTokens).mockResolvedValue([
      token({}),
      token({ id: 't-2', token_hint: 'cd34' }),
      token({ id: 't-0', token_hint: 'ef56', revoked_at: '2026-12-01T11:00:00Z' }),
    ])
    vi.mocked(api.recentRequests).mockResolvedValue([
      {
        id: 2,
        occurred_at: '2026-12-01T10:00:00Z',
        method: 'POST',
        path: '/v2/Users',
        status: 409,
        scim_type: 'uniqueness',
        detail: 'The userName a@b.test is already taken in this workspace.',
      },
    ])
    const { wrapper } = await mountWithApp(DirectorySyncPage, { role: 'owner' })
    await flushPromises()
    const text = wrapper.text()
    expect(text).toContain('None yet')
    expect(text).toContain('3 members')
    expect(text).toContain('Created a user')
    expect(text).toContain('Refused: conflict (409)')
    expect(text).toContain('already taken')
    expect(wrapper.findAll('[data-test="directory-token"]')).toHaveLength(3)
    expect(wrapper.find('[aria-label="Revoke the token ending in ef56"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="rotate-token"]').attributes('disabled')).toBeDefined()
    expect(text).toContain('Two tokens are live')
  })
})
