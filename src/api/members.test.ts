import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeSupabase } from '@/test/fakeSupabase'

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof fakeSupabase> | null }))
vi.mock('@/lib/supabase', () => ({
  get supabase() {
    return fake.current!.client
  },
}))

const { changeMemberRole, countMembers, listMembers, memberMfaStatus } = await import('./members')

beforeEach(() => {
  fake.current = fakeSupabase({ data: [{ id: 'm1' }], error: null })
})

describe('listMembers', () => {
  it('asks the database for one page, sorted and filtered (member_directory_page)', async () => {
    const rows = await listMembers({
      workspaceId: 'ws-1',
      first: 20,
      rows: 20,
      sortField: 'last_active_at',
      sortOrder: -1,
      role: 'admin',
      status: 'suspended',
      search: ' ana ',
    })
    expect(rows).toEqual([{ id: 'm1' }])
    expect(fake.current!.calls).toEqual([
      [
        'rpc',
        'member_directory_page',
        {
          p_workspace_id: 'ws-1',
          p_sort: 'last_active_at',
          p_descending: true,
          p_offset: 20,
          p_limit: 20,
          p_role: 'admin',
          p_status: 'suspended',
          p_search: 'ana',
        },
      ],
    ])
  })

  it('uses the default order (last activity, newest first) and leaves out unset filters', async () => {
    await listMembers({ workspaceId: 'ws-1', first: 0, rows: 10, search: '  ' })
    const [, , args] = fake.current!.calls[0]!
    expect(args).toEqual({
      p_workspace_id: 'ws-1',
      p_sort: 'last_active_at',
      p_descending: true,
      p_offset: 0,
      p_limit: 10,
    })
  })

  it('counts with the same filters in a separate call', async () => {
    fake.current = fakeSupabase({ data: 41, error: null })
    expect(await countMembers({ workspaceId: 'ws-1', role: 'viewer', search: 'x' })).toBe(41)
    expect(fake.current.calls[0]).toEqual([
      'rpc',
      'member_directory_count',
      { p_workspace_id: 'ws-1', p_role: 'viewer', p_search: 'x' },
    ])
  })

  it('asks 2FA status for one member only', async () => {
    fake.current = fakeSupabase({ data: [{ user_id: 'u-1', totp_enrolled: true }], error: null })
    expect(await memberMfaStatus('ws-1', 'u-1')).toBe(true)
    expect(fake.current.calls[0]).toEqual([
      'rpc',
      'member_mfa_status',
      { p_workspace_id: 'ws-1', p_user_id: 'u-1' },
    ])
  })
})

describe('member RPCs', () => {
  it('throws an AppError carrying the hint as code', async () => {
    fake.current = fakeSupabase({
      data: null,
      error: {
        message: 'The workspace owner cannot be changed.',
        hint: 'owner_protected',
        code: '42501',
      },
    })
    await expect(changeMemberRole('m-owner', 'viewer')).rejects.toMatchObject({
      name: 'AppError',
      code: 'owner_protected',
      message: 'The workspace owner cannot be changed.',
    })
    expect(fake.current.calls[0]).toEqual([
      'rpc',
      'change_member_role',
      { p_membership_id: 'm-owner', p_role: 'viewer' },
    ])
  })
})
