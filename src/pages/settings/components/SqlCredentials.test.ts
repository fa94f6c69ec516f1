import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '@/api/sqlCredentials'
import { mountWithApp } from '@/test/mountWithApp'
import SqlCredentials from './SqlCredentials.vue'

vi.mock('@/api/sqlCredentials', async (importOriginal) => ({
  ...(await importOriginal<typeof api>()),
  listSqlCredentials: vi.fn(),
  createSqlCredential: vi.fn(),
  rotateSqlCredential: vi.fn(),
  revokeSqlCredential: vi.fn(),
}))
const confirmRequire = vi.hoisted(() => vi.fn())
vi.mock('primevue/useconfirm', () => ({ useConfirm: () => ({ require: confirmRequire }) }))

const row = (over: Partial<api.SqlCredential>): api.SqlCredential => ({
  id: 'c-1',
  name: 'Metabase',
  role_name: 'fx_ro_0123456789',
  created_by: 'user-me',
  created_by_email: 'me@example.com',
  created_at: '2026-11-30T10:00:00Z',
  rotated_at: null,
  expires_at: null,
  last_used_at: null,
  open_sessions: 0,
  ...over,
})

const secret: api.SqlSecret = {
  id: 'c-9',
  name: 'Grafana',
  role_name: 'fx_ro_abcdefabcd',
  password: 'pw-Shown-Once_0123456789abcdefgh',
  expires_at: null,
}

function mountIt() {
  return mountWithApp(SqlCredentials, { role: 'owner', props: { workspaceId: 'ws-1' } })
}

beforeEach(() => {
  vi.clearAllMocks()
  confirmRequire.mockReset()
  vi.mocked(api.listSqlCredentials).mockResolvedValue([
    row({}),
    row({ id: 'c-2', name: 'Old', expires_at: '2020-01-01T00:00:00Z' }),
    row({
      id: 'c-3',
      name: 'Grafana live',
      last_used_at: '2026-12-01T09:00:00Z',
      open_sessions: 2,
    }),
  ])
})

describe('SqlCredentials', () => {
  it('lists the credentials with expiry and last use', async () => {
    const { wrapper } = await mountIt()
    expect(api.listSqlCredentials).toHaveBeenCalledWith('ws-1')
    const text = wrapper.text()
    expect(text).toContain('fx_ro_0123456789')
    expect(text).toContain('Never')
    expect(text).toContain('Expired')
    expect(text).toContain('Not seen')
    expect(text).toContain('2 open')
    expect(text).not.toContain('pw-')
  })

  it('creates one and shows its password once, with a ready connection string', async () => {
    vi.mocked(api.createSqlCredential).mockResolvedValue(secret)
    const { wrapper } = await mountIt()
    await wrapper.get('[data-test="new-sql-credential"]').trigger('click')
    await flushPromises()
    await wrapper.get('#sql-credential-name').setValue('  Grafana ')
    await wrapper.get('#sql-credential-form').trigger('submit')
    await flushPromises()
    expect(api.createSqlCredential).toHaveBeenCalledWith('ws-1', 'Grafana', null)
    expect(wrapper.get('[data-test="sql-password"]').text()).toBe(secret.password)
    const url = wrapper.get('[data-test="sql-url"]').text()
    expect(url).toMatch(
      /^postgresql:\/\/fx_ro_abcdefabcd:pw-Shown-Once_0123456789abcdefgh@[^/]+:\d+\/postgres/,
    )
    expect(api.listSqlCredentials).toHaveBeenCalledTimes(2)
  })

  it('rotates only after confirmation, then shows the new password', async () => {
    vi.mocked(api.rotateSqlCredential).mockResolvedValue({ ...secret, id: 'c-1', name: 'Metabase' })
    const { wrapper } = await mountIt()
    await wrapper.get('[aria-label="Rotate Metabase"]').trigger('click')
    expect(api.rotateSqlCredential).not.toHaveBeenCalled()
    expect(confirmRequire).toHaveBeenCalledTimes(1)
    await confirmRequire.mock.calls[0]![0].accept()
    await flushPromises()
    expect(api.rotateSqlCredential).toHaveBeenCalledWith('c-1')
    expect(wrapper.get('[data-test="sql-password"]').text()).toBe(secret.password)
  })

  it('revokes only after confirmation', async () => {
    vi.mocked(api.revokeSqlCredential).mockResolvedValue()
    const { wrapper } = await mountIt()
    await wrapper.get('[aria-label="Revoke Grafana live"]').trigger('click')
    expect(api.revokeSqlCredential).not.toHaveBeenCalled()
    await confirmRequire.mock.calls[0]![0].accept()
    await flushPromises()
    expect(api.revokeSqlCredential).toHaveBeenCalledWith('c-3')
  })

  it('does not offer to rotate an expired credential', async () => {
    const { wrapper } = await mountIt()
    expect(wrapper.get('[aria-label="Rotate Old"]').attributes('disabled')).toBeDefined()
  })
})

describe('connection target', () => {
  it('local stack: the API host, API port + 1, no TLS', () => {
    const target = api.sqlTarget({ VITE_SUPABASE_URL: 'http://127.0.0.1:54621' })
    expect(target).toEqual({ host: '127.0.0.1', port: 54622, database: 'postgres', userSuffix: '' })
    expect(api.connectionString({ role_name: 'fx_ro_a', password: 'p/w' }, target)).toBe(
      'postgresql://fx_ro_a:p%2Fw@127.0.0.1:54622/postgres?sslmode=disable',
    )
  })

  it('hosted: the direct host by default, the pooler when configured', () => {
    expect(api.sqlTarget({ VITE_SUPABASE_URL: 'https://abcd.supabase.co' })).toMatchObject({
      host: 'db.abcd.supabase.co',
      port: 5432,
    })
    const pooler = api.sqlTarget({
      VITE_SUPABASE_URL: 'https://abcd.supabase.co',
      VITE_SQL_HOST: 'aws-0-eu-central-1.pooler.supabase.com',
      VITE_SQL_PORT: '5432',
      VITE_SQL_USER_SUFFIX: '.abcd',
    })
    expect(api.connectionString({ role_name: 'fx_ro_a', password: 'x' }, pooler)).toBe(
      'postgresql://fx_ro_a.abcd:x@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=require',
    )
  })
})
