// The team directory shows name, email, role and status to anyone with members.view; why a member
// was suspended, when they were last active and who invited them only to callers with
// members.manage (issue 12, item 5). Proven through PostgREST with each role's token, on the view
// and on the Users page's RPC, and the one-member 2FA lookup of the member drawer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientAs, closeSql, createUser, sql, uniqueEmail, type Client } from '../helpers/stack'

const MANAGE_ONLY = ['status_reason', 'last_active_at', 'invited_by', 'invited_by_email'] as const

let ws: string
let otherWs: string
const ids: Record<'owner' | 'admin' | 'member' | 'viewer' | 'suspended' | 'outsider', string> = {
  owner: '',
  admin: '',
  member: '',
  viewer: '',
  suspended: '',
  outsider: '',
}
const clients = {} as Record<'admin' | 'member' | 'viewer' | 'outsider', Client>

beforeAll(async () => {
  for (const k of Object.keys(ids) as (keyof typeof ids)[])
    ids[k] = await createUser(uniqueEmail(`dircols-${k}`), `Dir ${k}`)
  const [w] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ('Directory columns') returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at, last_active_at)
                select id, $1, 'owner', 'active', now(), now() from w returning workspace_id)
     select workspace_id as id from m`,
    [ids.owner],
  )
  ws = w!.id
  const add = (user: string, role: string, status: string, extra = '') =>
    sql(
      `insert into public.memberships (workspace_id, user_id, role, status, invited_by, invited_at, joined_at, last_active_at
         ${extra ? ', suspended_until, status_reason' : ''})
       values ($1, $2, $3::public.workspace_role, $4::public.member_status, $5, now() - interval '40 days',
         now() - interval '39 days', now() - interval '2 days'
         ${extra ? `, now() + interval '10 days', 'Laptop lost, under review'` : ''})`,
      [ws, user, role, status, ids.owner],
    )
  await add(ids.admin, 'admin', 'active')
  await add(ids.member, 'member', 'active')
  await add(ids.viewer, 'viewer', 'active')
  await add(ids.suspended, 'member', 'suspended', 'with reason')
  // the outsider is the owner of another workspace
  const [o] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ('Elsewhere') returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $1, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [ids.outsider],
  )
  otherWs = o!.id
  for (const k of ['admin', 'member', 'viewer', 'outsider'] as const)
    clients[k] = await clientAs(ids[k])
  // Signing in through Auth records activity; put the others' back to two days ago.
  await sql(
    `update public.memberships set last_active_at = now() - interval '2 days' where workspace_id = $1 and user_id <> $2`,
    [ws, ids.owner],
  )
})

afterAll(async () => {
  await closeSql()
})

async function directory(who: keyof typeof clients) {
  const { data, error } = await clients[who]
    .from('member_directory')
    .select('*')
    .eq('workspace_id', ws)
    .order('id')
  expect(error).toBeNull()
  return data ?? []
}

describe('member_directory columns by role', () => {
  it('shows a manager every column, including why a member is suspended and who invited them', async () => {
    const rows = await directory('admin')
    expect(rows).toHaveLength(5)
    const suspended = rows.find((r) => r.user_id === ids.suspended)!
    expect(suspended.status_reason).toBe('Laptop lost, under review')
    expect(suspended.last_active_at).not.toBeNull()
    expect(suspended.invited_by).toBe(ids.owner)
    expect(suspended.invited_by_email).toMatch(/dircols-owner/)
  })

  for (const who of ['member', 'viewer'] as const) {
    it(`shows a ${who} name, email, role and status, and nothing else`, async () => {
      const rows = await directory(who)
      expect(rows).toHaveLength(5)
      for (const r of rows) {
        expect(r.email).toMatch(/@example\.test$/)
        expect(r.full_name).toMatch(/^Dir /)
        expect(r.role).toBeTruthy()
        expect(r.effective_status).toBeTruthy()
        for (const c of MANAGE_ONLY) expect(r[c], `${c} of ${r.full_name}`).toBeNull()
      }
      expect(rows.find((r) => r.user_id === ids.suspended)!.effective_status).toBe('suspended')
    })

    it(`gives a ${who} the same through the Users page's RPC, and orders by name when asked for last activity`, async () => {
      const { data, error } = await clients[who].rpc('member_directory_page', {
        p_workspace_id: ws,
        p_sort: 'last_active_at',
        p_descending: true,
        p_offset: 0,
        p_limit: 50,
      })
      expect(error).toBeNull()
      expect(data).toHaveLength(5)
      for (const r of data!) for (const c of MANAGE_ONLY) expect(r[c]).toBeNull()
      const names = data!.map((r) => r.full_name)
      expect(names).toEqual([...names].sort())
    })
  }

  it('gives a manager the manage-only columns through the RPC, newest activity first', async () => {
    const { data, error } = await clients.admin.rpc('member_directory_page', {
      p_workspace_id: ws,
      p_sort: 'last_active_at',
      p_descending: true,
      p_offset: 0,
      p_limit: 50,
    })
    expect(error).toBeNull()
    expect(data![0]!.user_id).toBe(ids.owner) // active now; the others 2 days ago
    expect(data!.find((r) => r.user_id === ids.suspended)!.status_reason).toBe(
      'Laptop lost, under review',
    )
  })

  it('counts, filters and searches in the RPCs with the same rules', async () => {
    const count = (args: Record<string, string>) =>
      clients.viewer.rpc('member_directory_count', { p_workspace_id: ws, ...args })
    expect((await count({})).data).toBe(5)
    expect((await count({ p_status: 'suspended' })).data).toBe(1)
    expect((await count({ p_role: 'member', p_status: 'active' })).data).toBe(1)
    expect((await count({ p_search: 'nobody-here' })).data).toBe(0)
    expect((await count({ p_search: 'DIR SUSP' })).data).toBe(1) // name, any case
    expect((await count({ p_search: '100%' })).data).toBe(0) // wildcards are literal
  })

  it('shows nothing of the workspace to someone outside it', async () => {
    const { data } = await clients.outsider
      .from('member_directory')
      .select('*')
      .eq('workspace_id', ws)
    expect(data).toEqual([])
    const page = await clients.outsider.rpc('member_directory_page', { p_workspace_id: ws })
    expect(page.error?.code).toBe('PT404')
    const own = await clients.outsider
      .from('member_directory')
      .select('*')
      .eq('workspace_id', otherWs)
    expect(own.data).toHaveLength(1)
  })

  it('answers the member drawer for one member only', async () => {
    const { data, error } = await clients.admin.rpc('member_mfa_status', {
      p_workspace_id: ws,
      p_user_id: ids.member,
    })
    expect(error).toBeNull()
    expect(data).toEqual([{ user_id: ids.member, totp_enrolled: false }])
    const viewer = await clients.viewer.rpc('member_mfa_status', {
      p_workspace_id: ws,
      p_user_id: ids.member,
    })
    expect(viewer.error?.code).toBe('42501')
  })
})
