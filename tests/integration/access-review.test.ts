// The Access review through the API the SPA uses, with real tokens (issue 23 item 7): the idle
// period presets (a parameter of the review functions, 90 by default, validated) and "idle" read
// from "Last active" (any activity the member authored). An Admin may; a Member, a Viewer and an
// Admin of another workspace are refused.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientAs, closeSql, createUser, sql, uniqueEmail } from '../helpers/stack'

interface Person {
  userId: string
  membershipId: string
}

let wsA: string
let owner: Person
let admin: Person
let member: Person
let viewer: Person
let idle: Person // an Admin last active 45 days ago (signed in before, not since)
let adminB: Person // an Admin of another workspace
let keepMe: Person // flagged at 90 days: kept
let removeMe: Person // flagged at 90 days: removed

async function workspace(name: string, ownerId: string) {
  const [row] = await sql<{ id: string; membership_id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() - interval '1 year' from w returning id, workspace_id)
     select workspace_id as id, id as membership_id from m`,
    [name, ownerId],
  )
  return row!
}

async function join(ws: string, tag: string, role: string): Promise<Person> {
  const userId = await createUser(uniqueEmail(tag))
  const [row] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
     values ($1, $2, $3::public.workspace_role, 'active', now() - interval '1 year') returning id`,
    [ws, userId, role],
  )
  return { userId, membershipId: row!.id }
}

beforeAll(async () => {
  const ownerId = await createUser(uniqueEmail('rev-owner'))
  const A = await workspace(`Review A ${randomUUID().slice(0, 6)}`, ownerId)
  wsA = A.id
  owner = { userId: ownerId, membershipId: A.membership_id }
  admin = await join(wsA, 'rev-admin', 'admin')
  member = await join(wsA, 'rev-member', 'member')
  viewer = await join(wsA, 'rev-viewer', 'viewer')
  idle = await join(wsA, 'rev-idle', 'admin')
  const ownerB = await createUser(uniqueEmail('rev-owner-b'))
  const B = await workspace(`Review B ${randomUUID().slice(0, 6)}`, ownerB)
  adminB = await join(B.id, 'rev-admin-b', 'admin')
  keepMe = await join(wsA, 'rev-keep', 'member')
  removeMe = await join(wsA, 'rev-remove', 'viewer')
  // Everyone signs in now (which is activity); then the idle member's last activity is put back.
  for (const p of [owner, admin, member, viewer, idle, adminB, keepMe, removeMe])
    await clientAs(p.userId)
  await sql(
    `update public.memberships set last_active_at = now() - interval '45 days' where id = $1`,
    [idle.membershipId],
  )
  await sql(
    `update public.memberships set last_active_at = now() - interval '120 days' where id = any($1)`,
    [[keepMe.membershipId, removeMe.membershipId]],
  )
})
afterAll(closeSql)

const flagged = async (userId: string, days?: number) =>
  (await clientAs(userId)).rpc('access_review_flags', {
    p_workspace_id: wsA,
    ...(days === undefined ? {} : { p_idle_days: days }),
  })

describe('idle period presets', () => {
  it('the database offers 30, 60 and 90 days, 90 by default', async () => {
    const { data, error } = await (await clientAs(admin.userId)).rpc('access_review_rule')
    expect(error).toBeNull()
    expect(data).toEqual([{ idle_days: 90, presets: [30, 60, 90] }])
  })

  it('an Admin sees who is idle for the chosen period', async () => {
    const at90 = await flagged(admin.userId)
    expect(at90.error).toBeNull()
    const ids = (r: typeof at90) =>
      r
        .data!.filter((f) => f.flagged)
        .map((f) => f.membership_id)
        .sort()
    expect(ids(at90)).toEqual([keepMe.membershipId, removeMe.membershipId].sort())
    const at30 = await flagged(admin.userId, 30)
    expect(ids(at30)).toEqual(
      [idle.membershipId, keepMe.membershipId, removeMe.membershipId].sort(),
    )
  })

  it('a bad period is refused with 400 and a readable message', async () => {
    for (const days of [0, -1, 366]) {
      const { error, status } = await flagged(admin.userId, days)
      expect(status).toBe(400)
      expect(error?.message).toBe('The idle period must be between 1 and 365 days.')
    }
    const { status } = await (
      await clientAs(admin.userId)
    ).rpc('complete_access_review', { p_workspace_id: wsA, p_idle_days: 1000 })
    expect(status).toBe(400)
  })

  it('a Member, a Viewer and an Admin of another workspace are refused', async () => {
    for (const p of [member, viewer, adminB]) {
      const { data, error, status } = await flagged(p.userId, 30)
      expect(data).toBeNull()
      expect(error).not.toBeNull()
      expect([403, 404]).toContain(status)
      const done = await (
        await clientAs(p.userId)
      ).rpc('complete_access_review', { p_workspace_id: wsA, p_idle_days: 30 })
      expect(done.error).not.toBeNull()
      expect([403, 404]).toContain(done.status)
    }
  })

  it('the review records the period and the count flagged for it', async () => {
    const { data, error } = await (
      await clientAs(admin.userId)
    ).rpc('complete_access_review', { p_workspace_id: wsA, p_idle_days: 30 })
    expect(error).toBeNull()
    expect(data).toMatchObject({ idle_days: 30, flagged: 3, reviewer_id: admin.userId })
  })

  it('any action of the member, not only a sign-in, makes them active again', async () => {
    // The idle Admin records a review with the token they already hold (no new sign-in): an
    // activity row they author.
    const { error } = await (
      await clientAs(idle.userId)
    ).rpc('complete_access_review', { p_workspace_id: wsA })
    expect(error).toBeNull()
    const at30 = await flagged(admin.userId, 30)
    expect(at30.data!.find((f) => f.membership_id === idle.membershipId)?.flagged).toBe(false)
  })
})

describe('keep or remove, per flagged member', () => {
  const decisions = () => [
    { membership_id: keepMe.membershipId, decision: 'keep' },
    { membership_id: removeMe.membershipId, decision: 'remove' },
  ]

  it('a Member, a Viewer and an Admin of another workspace cannot decide, and nothing changes', async () => {
    for (const p of [member, viewer, adminB]) {
      const { error, status } = await (
        await clientAs(p.userId)
      ).rpc('complete_access_review', { p_workspace_id: wsA, p_decisions: decisions() })
      expect(error).not.toBeNull()
      expect([403, 404]).toContain(status)
    }
    const [row] = await sql<{ status: string }>(
      `select status::text from public.memberships where id = $1`,
      [removeMe.membershipId],
    )
    expect(row!.status).toBe('active')
  })

  it('a malformed decision is refused with 400 and records nothing', async () => {
    const c = await clientAs(admin.userId)
    const before = await sql<{ n: string }>(
      `select count(*) n from public.access_reviews where workspace_id = $1`,
      [wsA],
    )
    const { error, status } = await c.rpc('complete_access_review', {
      p_workspace_id: wsA,
      p_decisions: [{ membership_id: keepMe.membershipId, decision: 'maybe' }],
    })
    expect(status).toBe(400)
    expect(error?.message).toBe('Each decision needs a member and "keep" or "remove".')
    const after = await sql<{ n: string }>(
      `select count(*) n from public.access_reviews where workspace_id = $1`,
      [wsA],
    )
    expect(after).toEqual(before)
  })

  it('an Admin records keep and remove with the review; remove deactivates and bans', async () => {
    const c = await clientAs(admin.userId)
    const { data, error } = await c.rpc('complete_access_review', {
      p_workspace_id: wsA,
      p_decisions: decisions(),
    })
    expect(error).toBeNull()
    expect(data).toMatchObject({ idle_days: 90, flagged: 2, deactivated: 1 })
    const stored = await c
      .from('access_review_decisions')
      .select('membership_id, decision')
      .eq('review_id', data!.id)
      .order('decision')
    expect(stored.data).toEqual([
      { membership_id: keepMe.membershipId, decision: 'keep' },
      { membership_id: removeMe.membershipId, decision: 'remove' },
    ])
    const [state] = await sql<{ status: string; banned: boolean }>(
      `select m.status::text, u.banned_until is not null as banned
         from public.memberships m join auth.users u on u.id = m.user_id where m.id = $1`,
      [removeMe.membershipId],
    )
    expect(state).toEqual({ status: 'inactive', banned: true })
    const log = await sql<{ action: string }>(
      `select action from public.activity_log
        where workspace_id = $1 and (entity_id = $2 or subject_user_id = any($3))
          and action like 'access_review.member_%' order by id`,
      [wsA, data!.id, [keepMe.userId, removeMe.userId]],
    )
    expect(log.map((r) => r.action)).toEqual([
      'access_review.member_kept',
      'access_review.member_removed',
    ])
    // A Member cannot read the decisions.
    const hidden = await (
      await clientAs(member.userId)
    )
      .from('access_review_decisions')
      .select('id')
      .eq('review_id', data!.id)
    expect(hidden.data).toEqual([])
  })
})
