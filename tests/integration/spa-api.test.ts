/// <reference types="vite/client" />
// The SPA's own src/api functions (the ones its stores and pages call) against the running stack,
// signed in through Auth as an Admin, a Viewer and the Owner of a small workspace built with SQL.
// What is checked is what the database answers them (the page of the Users table, its count and
// filters, the columns a Viewer may not read, refusals as AppErrors with their hint, the rows a
// change writes, the activity log paged and verified), not which builder calls they make.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { clientAs, closeSql, createUser, sql, uniqueEmail, type Client } from '../helpers/stack'

const holder = vi.hoisted(() => ({ client: null as unknown }))
vi.mock('@/lib/supabase', () => ({
  get supabase() {
    return holder.client
  },
}))
const members = await import('@/api/members')
const licenses = await import('@/api/licenses')
const activity = await import('@/api/activity')
const workspaces = await import('@/api/workspaces')
const { AppError } = await import('@/lib/errors')

/** Calls the SPA's functions as this signed-in client from now on. */
const actAs = (client: Client) => {
  holder.client = client
}

interface Person {
  id: string
  email: string
  name: string
  membershipId: string
}
let ws: string
let owner: Person
let admin: Person
let ben: Person
let vera: Person
let pia: Person
let asOwner: Client
let asAdmin: Client
let asViewer: Client

/** A member of `ws` with a role and status, invited by the Owner. */
async function addMember(
  label: string,
  name: string,
  role: string,
  status: 'active' | 'pending',
): Promise<Person> {
  const email = uniqueEmail(`spa-api-${label}`)
  const id = await createUser(email, name)
  const [m] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, invited_by, invited_at,
                                     invite_expires_at, joined_at)
     values ($1, $2, $3::public.workspace_role, $4::public.member_status, $5, now(),
             case when $4 = 'pending' then now() + interval '7 days' end,
             case when $4 = 'active' then now() end)
     returning id`,
    [ws, id, role, status, owner.id],
  )
  return { id, email, name, membershipId: m!.id }
}

beforeAll(async () => {
  const ownerEmail = uniqueEmail('spa-api-owner')
  const ownerId = await createUser(ownerEmail, 'Olga Owner')
  const [w] = await sql<{ id: string; membership_id: string }>(
    `with w as (insert into public.workspaces (name) values ('SPA api') returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $1, 'owner', 'active', now() from w
                returning id, workspace_id)
     select workspace_id as id, id as membership_id from m`,
    [ownerId],
  )
  ws = w!.id
  owner = { id: ownerId, email: ownerEmail, name: 'Olga Owner', membershipId: w!.membership_id }
  admin = await addMember('admin', 'Adam Admin', 'admin', 'active')
  ben = await addMember('ben', 'Ben Member', 'member', 'active')
  vera = await addMember('vera', 'Vera Viewer', 'viewer', 'active')
  pia = await addMember('pia', 'Pia Pending', 'member', 'pending')
  ;[asOwner, asAdmin, asViewer] = await Promise.all([
    clientAs(owner.id),
    clientAs(admin.id),
    clientAs(vera.id),
  ])
  // Signing in counts as activity: the order of last activity is set once everyone has.
  await sql(
    `update public.memberships m set last_active_at = now() - make_interval(days => d.days)
       from (values ($1::uuid, 0), ($2::uuid, 1), ($3::uuid, 2), ($4::uuid, 4)) as d(id, days)
      where m.id = d.id`,
    [admin.membershipId, ben.membershipId, vera.membershipId, owner.membershipId],
  )
}, 120_000)

afterAll(async () => {
  await closeSql()
})

describe('the Users table (api/members) as an Admin', () => {
  beforeAll(() => actAs(asAdmin))

  it('lists the first page most recently active first, with every member counted (pending invitations are the Invitations tab’s)', async () => {
    const rows = await members.listMembers({ workspaceId: ws, first: 0, rows: 3 })
    expect(rows.map((r) => r.full_name)).toEqual(['Adam Admin', 'Ben Member', 'Vera Viewer'])
    expect(await members.countMembers({ workspaceId: ws })).toBe(4)
  })

  it('pages on: the next page holds the rest, without repeats', async () => {
    const first = await members.listMembers({ workspaceId: ws, first: 0, rows: 3 })
    const next = await members.listMembers({ workspaceId: ws, first: 3, rows: 3 })
    const ids = [...first, ...next].map((r) => r.id)
    expect(new Set(ids).size).toBe(4)
    expect(next.map((r) => r.full_name)).toContain('Olga Owner')
  })

  it('sorts by a chosen column in either direction', async () => {
    const asc = await members.listMembers({
      workspaceId: ws,
      first: 0,
      rows: 10,
      sortField: 'full_name',
      sortOrder: 1,
    })
    expect(asc.map((r) => r.full_name)).toEqual([
      'Adam Admin',
      'Ben Member',
      'Olga Owner',
      'Vera Viewer',
    ])
    const desc = await members.listMembers({
      workspaceId: ws,
      first: 0,
      rows: 10,
      sortField: 'full_name',
      sortOrder: -1,
    })
    expect(desc.map((r) => r.full_name)).toEqual(asc.map((r) => r.full_name).reverse())
  })

  it('filters by role, status and a trimmed search, and counts with the same filters', async () => {
    const viewers = await members.listMembers({
      workspaceId: ws,
      first: 0,
      rows: 10,
      role: 'viewer',
    })
    expect(viewers.map((r) => r.user_id)).toEqual([vera.id])
    const pending = { workspaceId: ws, status: 'pending' as const }
    expect(
      (await members.listMembers({ ...pending, first: 0, rows: 10 })).map((r) => r.user_id),
    ).toEqual([pia.id])
    expect(await members.countMembers(pending)).toBe(1)
    const found = await members.listMembers({
      workspaceId: ws,
      first: 0,
      rows: 10,
      search: ' ben ',
    })
    expect(found.map((r) => r.user_id)).toEqual([ben.id])
    expect(await members.countMembers({ workspaceId: ws, search: '  ' })).toBe(4)
    expect(await members.countMembers({ workspaceId: ws, search: 'no such person' })).toBe(0)
  })

  it('shows an Admin the columns that need members.manage', async () => {
    const [row] = await members.membersByUserIds(ws, [ben.id])
    expect(row).toMatchObject({ full_name: 'Ben Member', invited_by_email: owner.email })
    expect(row!.last_active_at).not.toBeNull()
  })

  it('picks only effectively active members for pickers, by name', async () => {
    const active = await members.listActiveMembers(ws)
    expect(active.map((r) => r.full_name)).toEqual([
      'Adam Admin',
      'Ben Member',
      'Olga Owner',
      'Vera Viewer',
    ])
    expect((await members.searchMembers(ws, 'vera')).map((r) => r.user_id)).toEqual([vera.id])
  })

  it('reads one member’s 2FA status: none enrolled', async () => {
    expect(await members.memberMfaStatus(ws, ben.id)).toBe(false)
  })
})

describe('the Users table (api/members) as a Viewer', () => {
  beforeAll(() => actAs(asViewer))

  it('lists the same members, without the columns that need members.manage', async () => {
    const rows = await members.listMembers({ workspaceId: ws, first: 0, rows: 10 })
    expect(rows).toHaveLength(4)
    for (const r of rows) {
      expect(r.full_name).toBeTruthy()
      expect(r.last_active_at).toBeNull()
      expect(r.invited_by_email).toBeNull()
      expect(r.status_reason).toBeNull()
    }
  })

  it('is refused a role change with an AppError carrying the database hint', async () => {
    const err = await members.changeMemberRole(ben.membershipId, 'admin').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'not_allowed' })
    const [m] = await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
      ben.membershipId,
    ])
    expect(m!.role).toBe('member')
  })
})

describe('member changes (api/members) as an Admin', () => {
  beforeAll(() => actAs(asAdmin))

  it('refuses to touch the Owner, in words, with the hint as code, and changes nothing', async () => {
    const err = await members.changeMemberRole(owner.membershipId, 'viewer').catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('owner_protected')
    expect(err.message).toMatch(/owner/i)
    const [m] = await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
      owner.membershipId,
    ])
    expect(m!.role).toBe('owner')
  })

  it('changes a role, and the change is logged by the database', async () => {
    await members.changeMemberRole(vera.membershipId, 'member')
    const [m] = await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
      vera.membershipId,
    ])
    expect(m!.role).toBe('member')
    const logged = await sql<{ actor_id: string; before: unknown; after: unknown }>(
      `select actor_id, before, after from public.activity_log
        where workspace_id = $1 and action = 'member.role_changed' and entity_id = $2`,
      [ws, vera.membershipId],
    )
    expect(logged).toEqual([
      { actor_id: admin.id, before: { role: 'viewer' }, after: { role: 'member' } },
    ])
    await members.changeMemberRole(vera.membershipId, 'viewer')
  })

  it('refuses a bulk change that includes the Owner as a whole, naming the Owner', async () => {
    const err = await members
      .changeMembersRole([ben.membershipId, owner.membershipId], 'viewer')
      .catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('owner_protected')
    expect(err.message).toContain(owner.email)
    const [m] = await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
      ben.membershipId,
    ])
    expect(m!.role).toBe('member') // all or nothing: Ben was not changed either
  })
})

describe('licences and seats (api/licenses) as the Owner', () => {
  beforeAll(() => actAs(asOwner))

  it('creates a licence, gives and frees a seat, and lists it with its seats in use', async () => {
    const created = await licenses.createLicense(ws, {
      product: 'Figma',
      vendor: 'Figma',
      seats: 2,
    })
    await licenses.createLicense(ws, { product: 'Slack', vendor: 'Salesforce', seats: 5 })
    await licenses.assignSeat(ws, created.id, ben.id)
    const seats = await licenses.listSeats(created.id)
    expect(seats.map((s) => s.user_id)).toEqual([ben.id])

    const page = await licenses.listLicenses({ workspaceId: ws, first: 0, rows: 10 })
    expect(page.map((l) => [l.product, l.seats_used])).toEqual([
      ['Figma', 1],
      ['Slack', 0],
    ])
    expect(await licenses.countLicenses({ workspaceId: ws, search: 'sales' })).toBe(1)
    expect(
      (await licenses.listLicenses({ workspaceId: ws, first: 0, rows: 10, search: 'sales' })).map(
        (l) => l.product,
      ),
    ).toEqual(['Slack'])

    await licenses.revokeSeat(seats[0]!.id)
    expect(await licenses.listSeats(created.id)).toEqual([])
  })

  it('refuses a seat beyond the licence’s count with an AppError, keeping the seats given', async () => {
    const lic = await licenses.createLicense(ws, { product: 'One seat', vendor: 'V', seats: 1 })
    await licenses.assignSeat(ws, lic.id, ben.id)
    const err = await licenses.assignSeat(ws, lic.id, vera.id).catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('no_seats_left')
    expect((await licenses.listSeats(lic.id)).map((s) => s.user_id)).toEqual([ben.id])
  })
})

describe('the Activity page (api/activity)', () => {
  /** The workspace's log as the database orders it for the page: newest first by (time, id). */
  const logIds = async (where = '') =>
    (
      await sql<{ id: string }>(
        `select id from public.activity_log where workspace_id = $1 ${where}
          order by occurred_at desc, id desc`,
        [ws],
      )
    ).map((r) => Number(r.id))

  it('pages the whole log by keyset, newest first, with no gap or repeat (Owner)', async () => {
    actAs(asOwner)
    const expected = await logIds()
    expect(expected.length).toBeGreaterThan(5)
    const seen: number[] = []
    let after: import('@/api/activity').ActivityCursor | null = null
    do {
      const page = await activity.listActivity({ workspaceId: ws }, { rows: 4, after })
      seen.push(...page.rows.map((r) => r.id))
      after = page.next
    } while (after)
    expect(seen).toEqual(expected)
    expect(await activity.countActivityCapped({ workspaceId: ws })).toEqual({
      total: expected.length,
      capped: false,
    })
  })

  it('filters by actor and action, and counts the same rows', async () => {
    actAs(asOwner)
    const f = { workspaceId: ws, actorId: admin.id, action: 'member.role_changed' }
    const expected = await logIds(`and actor_id = '${admin.id}' and action = 'member.role_changed'`)
    expect(expected.length).toBeGreaterThan(0)
    const page = await activity.listActivity(f, { rows: 50 })
    expect(page.rows.map((r) => r.id)).toEqual(expected)
    expect(page.next).toBeNull()
    expect(await activity.countActivity(f)).toBe(expected.length)
  })

  it('verifies the hash chain in chunks', async () => {
    actAs(asOwner)
    const total = (await logIds()).length
    const progress: number[] = []
    const result = await activity.verifyActivityLog(ws, {
      chunk: 3,
      onProgress: (n) => progress.push(n),
    })
    expect(result).toEqual({ ok: true, rows_checked: total, first_bad_id: null })
    expect(progress.at(-1)).toBe(total)
    expect(progress.length).toBeGreaterThan(1)
  })

  it('gives a Viewer no activity.view: the page reads only their own rows', async () => {
    actAs(asViewer)
    expect(await workspaces.myPermissions(ws)).not.toContain('activity.view')
    const page = await activity.listActivity({ workspaceId: ws }, { rows: 100 })
    expect(page.rows.every((r) => r.actor_id === vera.id)).toBe(true)
    expect(page.rows.map((r) => r.id)).toEqual(await logIds(`and actor_id = '${vera.id}'`))
    // RLS hides the rest of the log, which is there (the Owner read it all above)
    expect((await logIds()).length).toBeGreaterThan(page.rows.length + 5)
  })
})
