// Onboarding from outside (issue 24), with real tokens through the gateway: who may edit kits, who
// sees which onboarding records, who may tick a task or hand over an item; that joining (an accepted
// invitation, a member provisioned by directory sync with a group) applies the kits in the same
// transaction, reserving stock or flagging "none in stock"; and that removing a member before the
// end cancels the record and returns what was reserved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  anonClient,
  clientAs,
  closeSql,
  createUser,
  sql,
  uniqueEmail,
  type Client,
} from '../helpers/stack'
import { connectDirectory, scim, setMappings, type DirectoryWorld } from './scim-helpers'

interface World {
  ws: string
  other: string
  ids: Record<'owner' | 'admin' | 'member' | 'viewer' | 'outsider', string>
  as: Record<'owner' | 'admin' | 'member' | 'viewer' | 'outsider', Client>
  licenseId: string
}
let w: World
let kitId: string

async function newWorkspace(name: string, ownerId: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `with x as (insert into public.workspaces (name) values ($1) returning id),
          o as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() - interval '30 days' from x)
     select id from x`,
    [name, ownerId],
  )
  return row!.id
}

/** Invites `userId` (as the database's invitation path leaves it: pending), then they accept. */
async function joinByInvitation(ws: string, email: string): Promise<{ id: string; as: Client }> {
  const id = await createUser(email, email.split('@')[0])
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, invited_at, invite_expires_at)
     values ($1, $2, 'member', 'pending', now(), now() + interval '7 days')`,
    [ws, id],
  )
  const as = await clientAs(email)
  const { error } = await as.rpc('accept_invitation', { p_workspace_id: ws })
  expect(error).toBeNull()
  return { id, as }
}

async function recordOf(userId: string) {
  const [r] = await sql<{ id: string; status: string }>(
    `select id, status from public.onboarding_records where user_id = $1 order by started_at desc limit 1`,
    [userId],
  )
  const items = await sql<{ id: string; wanted: string; state: string; asset_id: string | null }>(
    `select id, wanted, state, asset_id from public.onboarding_items where record_id = $1 order by wanted`,
    [r?.id ?? null],
  )
  const tasks = await sql<{
    id: string
    title: string
    due_on: string
    owner_user_id: string | null
  }>(
    `select id, title, due_on::text, owner_user_id from public.onboarding_tasks where record_id = $1 order by sort_order`,
    [r?.id ?? null],
  )
  return { record: r ?? null, items, tasks }
}

beforeAll(async () => {
  const names = ['owner', 'admin', 'member', 'viewer', 'outsider'] as const
  const emails = Object.fromEntries(names.map((n) => [n, uniqueEmail(`onb-${n}`)])) as Record<
    (typeof names)[number],
    string
  >
  const ids = {} as World['ids']
  for (const n of names) ids[n] = await createUser(emails[n], `Onb ${n}`)
  const ws = await newWorkspace('Onboarding Test Co', ids.owner)
  const other = await newWorkspace('Other Co', ids.outsider)
  for (const role of ['admin', 'member', 'viewer'] as const) {
    await sql(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
       values ($1, $2, $3, 'active', now() - interval '30 days')`,
      [ws, ids[role], role],
    )
  }
  await sql(
    `insert into public.assets (workspace_id, name, asset_tag, category, status) values
       ($1, 'ThinkPad T14', 'OT-1', 'Laptop', 'in_stock'),
       ($1, 'iPhone 15', 'OT-2', 'Phone', 'in_stock')`,
    [ws],
  )
  const [lic] = await sql<{ id: string }>(
    `insert into public.licenses (workspace_id, product, seats) values ($1, 'Figma', 1) returning id`,
    [ws],
  )
  const as = {} as World['as']
  for (const n of names) as[n] = await clientAs(emails[n])
  w = { ws, other, ids, as, licenseId: lic!.id }
}, 120_000)

afterAll(async () => {
  await sql(`delete from public.workspaces where id = any($1::uuid[])`, [[w?.ws, w?.other]])
  await closeSql()
})

const kitArgs = () => ({
  p_workspace_id: w.ws,
  p_kit_id: null as unknown as string,
  p_name: 'Starter',
  p_role: 'member' as const,
  p_directory_group: null as unknown as string,
  p_items: [
    { kind: 'asset', asset_category: 'Laptop' },
    { kind: 'asset', asset_model: 'iPhone 15' },
    { kind: 'seat', license_id: w.licenseId },
  ],
  p_tasks: [
    { title: 'Create accounts', owner_role: 'admin', due_days: 0 },
    { title: 'Buddy lunch', owner_user_id: w.ids.member, due_days: 3 },
  ],
})

describe('onboarding kits', () => {
  it('only settings.manage edits kits; others are refused, other workspaces see no workspace', async () => {
    for (const who of ['member', 'viewer'] as const) {
      const r = await w.as[who].rpc('save_onboarding_kit', kitArgs())
      expect(r.error?.code, who).toBe('42501')
    }
    const outsider = await w.as.outsider.rpc('save_onboarding_kit', kitArgs())
    expect(outsider.error?.code).toBe('PT404')
    const anon = await anonClient().rpc('save_onboarding_kit', kitArgs())
    expect(anon.error).not.toBeNull()

    const bad = await w.as.admin.rpc('save_onboarding_kit', {
      ...kitArgs(),
      p_tasks: [{ title: 'No owner', due_days: 1 }],
    })
    expect(bad.error).toMatchObject({
      code: '22023',
      message: 'Task 1 needs an owner: a role or a person.',
    })
    const badItem = await w.as.admin.rpc('save_onboarding_kit', {
      ...kitArgs(),
      p_items: [{ kind: 'seat', license_id: 'not-a-uuid' }],
    })
    expect(badItem.error?.code).toBe('22023')

    const ok = await w.as.admin.rpc('save_onboarding_kit', kitArgs())
    expect(ok.error).toBeNull()
    kitId = ok.data as string
    const dup = await w.as.admin.rpc('save_onboarding_kit', kitArgs())
    expect(dup.error).toMatchObject({ code: '23505' })

    // Reading: settings.manage / members.manage only; the table is not writable through the API.
    expect((await w.as.admin.from('onboarding_kits').select('id')).data).toHaveLength(1)
    expect((await w.as.member.from('onboarding_kits').select('id')).data).toEqual([])
    expect((await w.as.outsider.from('onboarding_kits').select('id')).data).toEqual([])
    const write = await w.as.admin.from('onboarding_kits').update({ name: 'x' }).eq('id', kitId)
    expect(write.error?.code).toBe('42501')
    const [logged] = await sql<{ n: number }>(
      `select count(*)::int as n from public.activity_log where workspace_id = $1 and action = 'onboarding_kit.created'`,
      [w.ws],
    )
    expect(logged!.n).toBe(1)
  })
})

describe('joining', () => {
  let first: { id: string; as: Client }

  it('accepting an invitation applies the kit in the same transaction: stock reserved, tasks dated', async () => {
    first = await joinByInvitation(w.ws, uniqueEmail('onb-new1'))
    const { record, items, tasks } = await recordOf(first.id)
    expect(record?.status).toBe('open')
    expect(items.map((i) => [i.wanted, i.state]).sort()).toEqual([
      ['A Laptop', 'reserved'],
      ['A seat of Figma', 'reserved'],
      ['iPhone 15', 'reserved'],
    ])
    expect(tasks.map((t) => t.title)).toEqual(['Create accounts', 'Buddy lunch'])
    const [{ today, later }] = (await sql<{ today: string; later: string }>(
      `select current_date::text as today, (current_date + 3)::text as later`,
    )) as [{ today: string; later: string }]
    expect(tasks.map((t) => t.due_on)).toEqual([today, later])
  })

  it('a second newcomer finds nothing left: flagged "none in stock", not refused', async () => {
    const second = await joinByInvitation(w.ws, uniqueEmail('onb-new2'))
    const { items } = await recordOf(second.id)
    expect(items.map((i) => i.state)).toEqual(['none_in_stock', 'none_in_stock', 'none_in_stock'])

    // Removing the first newcomer before the end cancels their record and returns the stock.
    const [m] = await sql<{ id: string }>(
      `select id from public.memberships where workspace_id = $1 and user_id = $2`,
      [w.ws, first.id],
    )
    const removed = await w.as.admin.rpc('remove_member', { p_membership_id: m!.id })
    expect(removed.error).toBeNull()
    const gone = await recordOf(first.id)
    expect(gone.record?.status).toBe('cancelled')
    expect(gone.items.every((i) => i.state === 'returned')).toBe(true)
    const [log] = await sql<{ after: { returned: number; reason: string } }>(
      `select after from public.activity_log where workspace_id = $1 and action = 'onboarding.cancelled' and subject_user_id = $2`,
      [w.ws, first.id],
    )
    expect(log?.after).toMatchObject({ returned: 3, reason: 'removed' })

    // The returned laptop can now be handed to the second newcomer (one click reserves and hands over).
    const { items: again } = await recordOf(second.id)
    const laptop = again.find((i) => i.wanted === 'A Laptop')!
    const member = await w.as.member.rpc('hand_over_onboarding_item', { p_item_id: laptop.id })
    expect(member.error?.code).toBe('42501') // Members lack assets.assign
    const outsider = await w.as.outsider.rpc('hand_over_onboarding_item', { p_item_id: laptop.id })
    expect(outsider.error?.code).toBe('PT404')
    const handed = await w.as.admin.rpc('hand_over_onboarding_item', { p_item_id: laptop.id })
    expect(handed.error).toBeNull()
    const [asset] = await sql<{ assigned_to: string; status: string }>(
      `select assigned_to, status from public.assets where asset_tag = 'OT-1' and workspace_id = $1`,
      [w.ws],
    )
    expect(asset).toEqual({ assigned_to: second.id, status: 'assigned' })

    // Who sees which record: the newcomer their own; members.manage all; nobody else any.
    expect((await second.as.from('onboarding_records').select('user_id')).data).toEqual([
      { user_id: second.id },
    ])
    expect((await second.as.from('onboarding_items').select('id')).data).toHaveLength(3)
    expect((await w.as.admin.from('onboarding_records').select('id')).data).toHaveLength(2)
    expect((await w.as.viewer.from('onboarding_records').select('id')).data).toEqual([])
    expect((await w.as.outsider.from('onboarding_records').select('id')).data).toEqual([])
    expect((await anonClient().from('onboarding_records').select('id')).data ?? []).toEqual([])

    // Tasks: the named owner sees and ticks theirs; another member cannot tick the Admins' task.
    const { tasks } = await recordOf(second.id)
    const lunch = tasks.find((t) => t.title === 'Buddy lunch')!
    const accounts = tasks.find((t) => t.title === 'Create accounts')!
    const seen = (await w.as.member.from('onboarding_tasks').select('title')).data ?? []
    // the named owner's task of each newcomer (the cancelled record's too), nothing else
    expect(seen.length).toBeGreaterThan(0)
    expect(new Set(seen.map((t) => t.title))).toEqual(new Set(['Buddy lunch']))
    expect(
      (await w.as.member.rpc('complete_onboarding_task', { p_task_id: accounts.id })).error?.code,
    ).toBe('42501')
    expect(
      (await second.as.rpc('complete_onboarding_task', { p_task_id: lunch.id })).error?.code,
    ).toBe('42501')
    expect(
      (await w.as.member.rpc('complete_onboarding_task', { p_task_id: lunch.id })).error,
    ).toBeNull()
    const [done] = await sql<{ completed_by: string }>(
      `select completed_by from public.onboarding_tasks where id = $1`,
      [lunch.id],
    )
    expect(done!.completed_by).toBe(w.ids.member)
  })

  it('directory sync: a member provisioned and put in a group on their first day gets that group’s kit', async () => {
    const d: DirectoryWorld = await connectDirectory('Okta', 'onb-scim')
    const { error } = await d.owner.rpc('save_onboarding_kit', {
      p_workspace_id: d.workspaceId,
      p_kit_id: null as unknown as string,
      p_name: 'Engineers',
      p_role: null as unknown as 'member',
      p_directory_group: 'Engineering',
      p_items: [],
      p_tasks: [{ title: 'Grant repository access', owner_role: 'admin', due_days: 1 }],
    })
    expect(error).toBeNull()
    await setMappings(d, [])
    const email = uniqueEmail('onb-scim-user')
    const user = await scim(d.token, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Sam', familyName: 'Synced' },
      emails: [{ primary: true, value: email }],
      active: true,
    })
    expect(user.status).toBe(201)
    const [member] = await sql<{ user_id: string }>(
      `select user_id from public.memberships where id = $1`,
      [user.body.id],
    )
    // Not in the group yet: the group's kit does not apply.
    expect((await recordOf(member!.user_id)).record).toBeNull()
    const group = await scim(d.token, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
      members: [{ value: user.body.id }],
    })
    expect(group.status).toBe(201)
    const { record, tasks } = await recordOf(member!.user_id)
    expect(record?.status).toBe('open')
    expect(tasks.map((t) => t.title)).toEqual(['Grant repository access'])
    await sql(`delete from public.workspaces where id = $1`, [d.workspaceId])
  })
})
