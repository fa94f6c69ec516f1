// Offboarding through the API the SPA uses: deactivating or suspending a member bans their
// Auth account and ends their sessions only when they have no other active membership, in
// the same transaction; reactivation lifts it. Plus the offboarding step's summary and
// reclaim, and bulk deactivation. People are Auth users (admin API) whose sessions come from
// real sign-ins; the ban and sessions are read from Auth's own tables (auth.users, auth.sessions),
// and Auth itself is asked whether a banned account can still sign in.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clientAs,
  closeSql,
  createUser,
  signInFresh,
  signInRefusal,
  sql,
  uniqueEmail,
  type Client,
} from '../helpers/stack'

const INDEFINITE = '9999-01-01T00:00:00.000Z'

interface Member {
  userId: string
  email: string
  membershipId: string
}

let wsA: string
let wsB: string
let ownerA: Member
let admin: Member
let multi: Member // active in A and in B
let single: Member // only in A
let adminClient: Client

async function workspace(name: string, ownerId: string) {
  const [row] = await sql<{ id: string; membership_id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning id, workspace_id)
     select workspace_id as id, id as membership_id from m`,
    [name, ownerId],
  )
  return row!
}

async function member(ws: string, userId: string, role = 'member'): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
     values ($1, $2, $3::public.workspace_role, 'active', now()) returning id`,
    [ws, userId, role],
  )
  return row!.id
}

async function person(tag: string): Promise<{ userId: string; email: string }> {
  const email = uniqueEmail(tag)
  return { userId: await createUser(email), email }
}

/** `n` sessions for the user: `n` password sign-ins through Auth. */
async function addSessions(userId: string, n: number) {
  for (let i = 0; i < n; i++) await signInFresh(userId)
}

async function authState(userId: string) {
  const [u] = await sql<{ banned_until: Date | null; sessions: string }>(
    `select banned_until, (select count(*) from auth.sessions s where s.user_id = u.id) as sessions from auth.users u where u.id = $1`,
    [userId],
  )
  return {
    bannedUntil: u!.banned_until ? u!.banned_until.toISOString() : null,
    sessions: Number(u!.sessions),
  }
}

async function actions(ws: string, since: number) {
  const rows = await sql<{ action: string }>(
    `select action from public.activity_log where workspace_id = $1 and id > $2 order by id`,
    [ws, since],
  )
  return rows.map((r) => r.action)
}
async function lastId() {
  const [r] = await sql<{ id: string | null }>(
    `select max(id)::text as id from public.activity_log`,
  )
  return Number(r!.id ?? 0)
}

beforeAll(async () => {
  const o = await person('off-owner-a')
  const ob = await person('off-owner-b')
  const a = await person('off-admin')
  const m = await person('off-multi')
  const s = await person('off-single')
  const A = await workspace(`Offboarding A ${randomUUID().slice(0, 6)}`, o.userId)
  const B = await workspace(`Offboarding B ${randomUUID().slice(0, 6)}`, ob.userId)
  wsA = A.id
  wsB = B.id
  ownerA = { ...o, membershipId: A.membership_id }
  admin = { ...a, membershipId: await member(wsA, a.userId, 'admin') }
  multi = { ...m, membershipId: await member(wsA, m.userId) }
  await member(wsB, m.userId)
  single = { ...s, membershipId: await member(wsA, s.userId) }
  adminClient = await clientAs(admin.userId)
})
afterAll(closeSql)

describe('deactivation and the Auth account', () => {
  it('a member still active in another workspace keeps their sessions and is not banned', async () => {
    await addSessions(multi.userId, 2)
    const { data, error } = await adminClient.rpc('deactivate_member', {
      p_membership_id: multi.membershipId,
    })
    expect(error).toBeNull()
    expect(data?.status).toBe('inactive')
    expect(await authState(multi.userId)).toEqual({ bannedUntil: null, sessions: 2 })
  })

  it('a member with no other membership is banned and signed out, in the same call, and reactivation lifts it', async () => {
    await addSessions(single.userId, 3)
    const before = await lastId()
    const { error } = await adminClient.rpc('deactivate_member', {
      p_membership_id: single.membershipId,
    })
    expect(error).toBeNull()
    expect(await authState(single.userId)).toEqual({ bannedUntil: INDEFINITE, sessions: 0 })
    expect(await actions(wsA, before)).toEqual(['member.deactivated', 'member.sessions_revoked'])
    expect(await signInRefusal(single.userId), 'Auth refuses the banned account').toBe(
      'user_banned',
    )

    const r = await adminClient.rpc('reactivate_member', { p_membership_id: single.membershipId })
    expect(r.error).toBeNull()
    expect(await authState(single.userId)).toEqual({ bannedUntil: null, sessions: 0 })
    expect(await signInRefusal(single.userId), 'Auth lets them sign in again').toBeNull()
  })

  it('a dated suspension bans until its end; lifting it clears the ban', async () => {
    const until = new Date(Date.now() + 3 * 86_400_000)
    until.setMilliseconds(0)
    const s = await adminClient.rpc('suspend_member', {
      p_membership_id: single.membershipId,
      p_until: until.toISOString(),
      p_reason: 'Audit',
    })
    expect(s.error).toBeNull()
    expect((await authState(single.userId)).bannedUntil).toBe(until.toISOString())
    const l = await adminClient.rpc('lift_suspension', { p_membership_id: single.membershipId })
    expect(l.error).toBeNull()
    expect((await authState(single.userId)).bannedUntil).toBeNull()
  })

  it('a refused call bans nobody', async () => {
    await addSessions(ownerA.userId, 1)
    const { error } = await adminClient.rpc('deactivate_member', {
      p_membership_id: ownerA.membershipId,
    })
    expect(error?.code).toBe('42501')
    expect(await authState(ownerA.userId)).toEqual({ bannedUntil: null, sessions: 1 })
  })
})

describe('bulk deactivation', () => {
  it('is all or nothing and names the first offending member', async () => {
    const { error } = await adminClient.rpc('deactivate_members', {
      p_membership_ids: [single.membershipId, ownerA.membershipId],
    })
    expect(error?.code).toBe('42501')
    expect(error?.hint).toBe('owner_protected')
    expect(error?.message).toContain(ownerA.email)
    const [m] = await sql<{ status: string }>(
      `select status from public.memberships where id = $1`,
      [single.membershipId],
    )
    expect(m!.status).toBe('active')
    expect((await authState(single.userId)).bannedUntil).toBeNull()
  })

  it('deactivates everyone in the list, offboarding those with no other membership', async () => {
    await addSessions(single.userId, 1)
    const { data, error } = await adminClient.rpc('deactivate_members', {
      p_membership_ids: [single.membershipId, multi.membershipId],
    })
    expect(error).toBeNull()
    expect((data ?? []).map((r) => r.status)).toEqual(['inactive', 'inactive'])
    expect(await authState(single.userId)).toEqual({ bannedUntil: INDEFINITE, sessions: 0 })
    expect((await authState(multi.userId)).bannedUntil).toBeNull()
    await adminClient.rpc('reactivate_member', { p_membership_id: single.membershipId })
    await adminClient.rpc('reactivate_member', { p_membership_id: multi.membershipId })
  })
})

describe('offboarding step: what they hold, and reclaiming it', () => {
  it('lists the assets and seats, then hands them to someone else or checks them in', async () => {
    const [asset] = await sql<{ id: string }>(
      `insert into public.assets (workspace_id, name, asset_tag, status, assigned_to) values ($1, 'Laptop', $2, 'assigned', $3) returning id`,
      [wsA, `OFF-${randomUUID().slice(0, 6)}`, single.userId],
    )
    const [license] = await sql<{ id: string }>(
      `insert into public.licenses (workspace_id, product, seats) values ($1, 'Design Suite', 3) returning id`,
      [wsA],
    )
    await sql(
      `insert into public.license_seats (workspace_id, license_id, user_id) values ($1, $2, $3)`,
      [wsA, license!.id, single.userId],
    )

    const summary = await adminClient.rpc('offboarding_summary', {
      p_membership_id: single.membershipId,
    })
    expect(summary.error).toBeNull()
    expect((summary.data ?? []).map((r) => [r.kind, r.name, r.license_id])).toEqual([
      ['asset', 'Laptop', null],
      ['license_seat', 'Design Suite', license!.id],
    ])

    const before = await lastId()
    const moved = await adminClient.rpc('reassign_member_holdings', {
      p_membership_id: single.membershipId,
      p_to_user_id: multi.userId,
    })
    expect(moved.error).toBeNull()
    expect(moved.data).toEqual([{ assets: 1, seats: 1 }])
    expect(await actions(wsA, before)).toEqual([
      'asset.assigned',
      'license_seat.revoked',
      'license_seat.assigned',
    ])

    const back = await adminClient.rpc('reassign_member_holdings', {
      p_membership_id: multi.membershipId,
    })
    expect(back.data).toEqual([{ assets: 1, seats: 1 }])
    const [a] = await sql<{ assigned_to: string | null; status: string }>(
      `select assigned_to, status from public.assets where id = $1`,
      [asset!.id],
    )
    expect(a).toEqual({ assigned_to: null, status: 'in_stock' })

    const member = await clientAs(multi.userId)
    const refused = await member.rpc('offboarding_summary', {
      p_membership_id: single.membershipId,
    })
    expect(refused.error?.code).toBe('42501')
  })
})
