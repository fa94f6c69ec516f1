// The Users page's per-row `actions` come from the member RPCs' own guard (issue 25, item 4):
// a Member granted members.manage sees every action on an Admin refused for rank, and the
// RPC refuses it the same way; on a Viewer the same actions are offered and the RPC takes them.
// Through PostgREST with real tokens, on member_directory_page and on the member_directory view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientAs, closeSql, createUser, sql, uniqueEmail, type Client } from '../helpers/stack'

interface RowAction {
  action: string
  refusal: string | null
  reason: string | null
}
interface Row {
  id: string
  user_id: string
  role: string
  actions: RowAction[]
}

let ws: string
const ids = { owner: '', admin: '', manager: '', viewer: '' }
let manager: Client

beforeAll(async () => {
  for (const k of Object.keys(ids) as (keyof typeof ids)[])
    ids[k] = await createUser(uniqueEmail(`actions-${k}`), `Actions ${k}`)
  const [w] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ('Member actions') returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $1, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [ids.owner],
  )
  ws = w!.id
  for (const [k, role] of [
    ['admin', 'admin'],
    ['manager', 'member'],
    ['viewer', 'viewer'],
  ] as const)
    await sql(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
       values ($1, $2, $3::public.workspace_role, 'active', now())`,
      [ws, ids[k], role],
    )
  // An Admin granted members.manage to the Member role.
  await sql(
    `insert into public.role_permissions (workspace_id, role, permission)
     values ($1, 'member', 'members.manage') on conflict do nothing`,
    [ws],
  )
  manager = await clientAs(ids.manager)
})

afterAll(closeSql)

async function page(): Promise<Row[]> {
  const { data, error } = await manager.rpc('member_directory_page', { p_workspace_id: ws })
  expect(error).toBeNull()
  return data as unknown as Row[]
}
const byUser = (rows: Row[], user: string) => rows.find((r) => r.user_id === user)!
const refusals = (row: Row) => Object.fromEntries(row.actions.map((a) => [a.action, a.refusal]))

describe('per-row actions from the database', () => {
  it('refuses every action on an Admin to a Member holding members.manage (rank)', async () => {
    const admin = byUser(await page(), ids.admin)
    expect(refusals(admin)).toEqual({
      changeRole: 'higher_rank_member',
      suspend: 'higher_rank_member',
      deactivate: 'higher_rank_member',
      remove: 'higher_rank_member',
    })
    expect(admin.actions[0]!.reason).toBe('You cannot act on a member whose role is above yours.')
  })

  it('and the RPC refuses Deactivate on that Admin for the same reason', async () => {
    const admin = byUser(await page(), ids.admin)
    const { error } = await manager.rpc('deactivate_member', { p_membership_id: admin.id })
    expect(error?.hint).toBe('higher_rank_member')
  })

  it('offers the Owner nothing and yourself nothing', async () => {
    const rows = await page()
    expect(new Set(Object.values(refusals(byUser(rows, ids.owner))))).toEqual(
      new Set(['owner_protected']),
    )
    expect(new Set(Object.values(refusals(byUser(rows, ids.manager))))).toEqual(
      new Set(['self_change']),
    )
  })

  it('offers the actions on a Viewer, and the RPC takes the one it offers', async () => {
    const viewer = byUser(await page(), ids.viewer)
    expect(refusals(viewer)).toEqual({
      changeRole: null,
      suspend: null,
      deactivate: null,
      remove: null,
    })
    const { error } = await manager.rpc('deactivate_member', { p_membership_id: viewer.id })
    expect(error).toBeNull()
    const after = byUser(await page(), ids.viewer)
    expect(after.actions.map((a) => a.action)).toEqual(['changeRole', 'reactivate', 'remove'])
  })

  it('gives the same actions through the member_directory view', async () => {
    const { data, error } = await manager
      .from('member_directory')
      .select('user_id, actions')
      .eq('workspace_id', ws)
      .eq('user_id', ids.admin)
      .single()
    expect(error).toBeNull()
    expect(refusals(data as unknown as Row).deactivate).toBe('higher_rank_member')
  })
})
