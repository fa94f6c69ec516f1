import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as sso from '@/api/sso'
import * as workspaces from '@/api/workspaces'
import { mountWithApp } from '@/test/mountWithApp'
import SingleSignOnPage from './SingleSignOnPage.vue'

vi.mock('@/api/sso')
vi.mock('@/api/workspaces')
vi.mock('@/api/auth')

const connection: sso.SsoConnection = {
  id: 'conn-1',
  workspace_id: 'ws-1',
  name: 'Okta',
  auth_provider_id: 'prov-1',
  entity_id: 'https://idp.example/metadata',
  metadata_url: null,
  attribute_mapping: {},
  default_role: 'member',
  enabled: true,
  required: false,
  created_by: null,
  created_at: '',
  updated_at: '',
}
const impact = (user_id: string, reason: string, name: string): sso.SsoImpact => ({
  user_id,
  full_name: name,
  email: `${name.toLowerCase()}@example.com`,
  role: 'member',
  reason,
})

beforeEach(() => {
  vi.clearAllMocks()
  vi.mocked(workspaces.listMyMemberships).mockResolvedValue([])
  vi.mocked(sso.serviceProviderValues).mockReturnValue({
    entityId: 'https://p.example/auth/v1/sso/saml/metadata',
    acsUrl: 'https://p.example/auth/v1/sso/saml/acs',
    metadataUrl: 'https://p.example/auth/v1/sso/saml/metadata?download=true',
  })
  vi.mocked(sso.fromAttributeMapping).mockReturnValue({ email: 'email', name: '', groups: '' })
  vi.mocked(sso.getSsoConnection).mockResolvedValue(null)
  vi.mocked(sso.listDomains).mockResolvedValue([])
})

describe('SingleSignOnPage', () => {
  it('shows the values for the identity provider and connects one by its metadata', async () => {
    vi.mocked(sso.connectProvider).mockResolvedValue(connection)
    const { wrapper } = await mountWithApp(SingleSignOnPage, { role: 'owner' })
    await flushPromises()
    expect((wrapper.get('#sp-acs-url').element as HTMLInputElement).value).toBe(
      'https://p.example/auth/v1/sso/saml/acs',
    )
    await wrapper.get('#sso-metadata-xml').setValue('<EntityDescriptor/>')
    await wrapper.get('[data-test="sso-connect"]').trigger('submit')
    await flushPromises()
    expect(sso.connectProvider).toHaveBeenCalledWith(
      expect.objectContaining({
        workspaceId: 'ws-1',
        name: 'Okta',
        metadataXml: '<EntityDescriptor/>',
      }),
    )
  })

  it('refuses a metadata URL that is not https before calling anything', async () => {
    const { wrapper } = await mountWithApp(SingleSignOnPage, { role: 'owner' })
    await flushPromises()
    await wrapper.findAll('.p-togglebutton')[1]!.trigger('click')
    await wrapper.get('#sso-metadata-url').setValue('http://idp.example/m')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="connect-error"]').text()).toContain('https://')
    expect(sso.connectProvider).not.toHaveBeenCalled()
  })

  it('names who "Require SSO" would stop, and refuses when it would stop the person saving', async () => {
    vi.mocked(sso.getSsoConnection).mockResolvedValue(connection)
    vi.mocked(sso.requirementImpact).mockResolvedValue([
      impact('user-me', 'not_signed_in_with_sso', 'Me'),
      impact('u-2', 'outside_verified_domains', 'Zed'),
    ])
    const { wrapper } = await mountWithApp(SingleSignOnPage, { role: 'owner' })
    await flushPromises()
    await wrapper.get('[data-test="require-sso"]').trigger('click')
    await flushPromises()
    const dialog = document.body.querySelector('[data-test="require-sso-dialog"]')!
    expect(dialog.textContent).toContain('1 person would be locked out')
    expect(dialog.textContent).toContain('Zed')
    expect(dialog.querySelector('[data-test="require-sso-refused"]')).not.toBeNull()
    expect(dialog.querySelector('[data-test="require-sso-confirm"]')).toBeNull()
    wrapper.unmount()
  })
})
