import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeSupabase } from '@/test/fakeSupabase'

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof fakeSupabase> | null }))
vi.mock('@/lib/supabase', () => ({
  get supabase() {
    return fake.current!.client
  },
}))

const { changeMemberRole, listMembers } = await import('./members')

beforeEach(() => {
  fake.current = fakeSupabase({ data: [{ id: 'm1' }], error: null, count: 41 })
})

describe('listMembers', () => {
  it('pages, sorts and filters in the database with an exact count', async () => {
    const page = await listMembers({
      workspaceId: 'ws-1',
      first: 20,
      rows: 20,
      sortField: 'last_active_at',
      sortOrder: -1,
      role: 'admin',
      status: 'suspended',
      search: 'ana',
    })
    expect(page).toEqual({ rows: [{ id: 'm1' }], total: 41 })
    expect(fake.current!.calls).toEqual([
      ['from', 'member_directory'],
      ['select', '*', { count: 'exact' }],
      ['eq', 'workspace_id', 'ws-1'],
      ['eq', 'role', 'admin'],
      ['eq', 'effective_status', 'suspended'],
      ['or', 'full_name.ilike."%ana%",email.ilike."%ana%"'],
      ['order', 'last_active_at', { ascending: false, nullsFirst: false }],
      ['order', 'id', { ascending: true }],
      ['range', 20, 39],
    ])
  })

  it('leaves out filters that are not set', async () => {
    await listMembers({ workspaceId: 'ws-1', first: 0, rows: 10, search: '  ' })
    const names = fake.current!.calls.map((c) => c[0])
    expect(names).not.toContain('or')
    expect(fake.current!.calls).toContainEqual([
      'order',
      'created_at',
      { ascending: false, nullsFirst: false },
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
