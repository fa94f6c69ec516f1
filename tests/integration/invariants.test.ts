// The rules no one can break (docs/product-rules.md), attacked through the API the SPA uses,
// including concurrent requests. After every attack the database must still hold exactly one active Owner.
// Everyone acts with the session Auth gave them at sign-in.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientAs, closeSql, createUser, sql, type Client } from '../helpers/stack'
import { buildWorld, type Person, type World } from './fixtures'

let world: World
const as = new Map<string, Client>()
const person = (role: string, status = 'active'): Person =>
  world.people.find((p) => p.role === role && p.status === status)!

async function owners(ws: string) {
  return sql<{ user_id: string; status: string }>(
    `select user_id, status from public.memberships where workspace_id = $1 and role = 'owner'`,
    [ws],
  )
}
async function expectOneActiveOwner(ws: string) {
  const rows = await owners(ws)
  expect(rows, 'exactly one Owner').toHaveLength(1)
  expect(rows[0]!.status).toBe('active')
  return rows[0]!.user_id
}
async function addActiveAdmin(ws: string, label: string) {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.test`
  const userId = await createUser(email, undefined, { password: null }) // signs in by magic link
  const [m] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at) values ($1, $2, 'admin', 'active', now()) returning id`,
    [ws, userId],
  )
  return { userId, membershipId: m!.id }
}

beforeAll(async () => {
  world = await buildWorld(`inv-${randomUUID().slice(0, 6)}`)
  for (const p of world.people) as.set(p.id, await clientAs(p.id)) // signed in by buildWorld, while active
})
afterAll(closeSql)

describe('the Owner', () => {
  it('cannot be demoted, deactivated, suspended or removed by an Admin', async () => {
    const admin = as.get(person('admin').id)!
    const ownerM = world.ownerA.membershipId
    const attempts = [
      admin.rpc('change_member_role', { p_membership_id: ownerM, p_role: 'viewer' }),
      admin.rpc('deactivate_member', { p_membership_id: ownerM }),
      admin.rpc('suspend_member', { p_membership_id: ownerM }),
      admin.rpc('remove_member', { p_membership_id: ownerM }),
    ]
    for (const { error } of await Promise.all(attempts)) {
      expect(error?.code).toBe('42501')
      expect(error?.message).toMatch(/owner/i)
    }
    expect(await expectOneActiveOwner(world.wsA)).toBe(world.ownerA.id)
  })

  it('cannot demote or deactivate themselves, nor leave without transferring', async () => {
    const owner = as.get(world.ownerA.id)!
    const r1 = await owner.rpc('change_member_role', {
      p_membership_id: world.ownerA.membershipId,
      p_role: 'admin',
    })
    const r2 = await owner.rpc('deactivate_member', { p_membership_id: world.ownerA.membershipId })
    const r3 = await owner.rpc('leave_workspace', { p_workspace_id: world.wsA })
    for (const r of [r1, r2, r3]) expect(r.error, JSON.stringify(r.error)).not.toBeNull()
    expect(await expectOneActiveOwner(world.wsA)).toBe(world.ownerA.id)
  })

  it('an Admin cannot make anyone Owner', async () => {
    const admin = as.get(person('admin').id)!
    const { error } = await admin.rpc('change_member_role', {
      p_membership_id: person('member').membershipId,
      p_role: 'owner',
    })
    expect(error?.code).toBe('42501')
    const [m] = await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
      person('member').membershipId,
    ])
    expect(m!.role).toBe('member')
  })

  it('transfer goes only to an active member', async () => {
    const owner = as.get(world.ownerA.id)!
    for (const status of ['inactive', 'suspended', 'pending']) {
      const { error } = await owner.rpc('transfer_ownership', {
        p_workspace_id: world.wsA,
        p_new_owner_membership_id: person('admin', status).membershipId,
      })
      expect(error, `transfer to a ${status} member`).not.toBeNull()
    }
    expect(await expectOneActiveOwner(world.wsA)).toBe(world.ownerA.id)
  })
})

describe('nobody changes their own role or status', () => {
  it('an Admin cannot promote, demote or suspend themselves', async () => {
    const adminP = person('admin')
    const admin = as.get(adminP.id)!
    for (const call of [
      admin.rpc('change_member_role', { p_membership_id: adminP.membershipId, p_role: 'member' }),
      admin.rpc('suspend_member', { p_membership_id: adminP.membershipId }),
      admin.rpc('deactivate_member', { p_membership_id: adminP.membershipId }),
    ]) {
      const { error } = await call
      expect(error?.code).toBe('42501')
    }
    const [m] = await sql<{ role: string; status: string }>(
      `select role, status from public.memberships where id = $1`,
      [adminP.membershipId],
    )
    expect(m).toEqual({ role: 'admin', status: 'active' })
  })
})

describe('under concurrency', () => {
  it('two simultaneous transfers leave exactly one Owner, and only one succeeds', async () => {
    for (let round = 0; round < 5; round++) {
      const currentOwner = await expectOneActiveOwner(world.wsA)
      const a = await addActiveAdmin(world.wsA, `race-a${round}`)
      const b = await addActiveAdmin(world.wsA, `race-b${round}`)
      const owner = await clientAs(currentOwner)
      const results = await Promise.all([
        owner.rpc('transfer_ownership', {
          p_workspace_id: world.wsA,
          p_new_owner_membership_id: a.membershipId,
        }),
        owner.rpc('transfer_ownership', {
          p_workspace_id: world.wsA,
          p_new_owner_membership_id: b.membershipId,
        }),
      ])
      expect(
        results.filter((r) => !r.error),
        'exactly one transfer succeeds',
      ).toHaveLength(1)
      const newOwner = await expectOneActiveOwner(world.wsA)
      expect([a.userId, b.userId]).toContain(newOwner)
      const [old] = await sql<{ role: string }>(
        `select role from public.memberships where workspace_id = $1 and user_id = $2`,
        [world.wsA, currentOwner],
      )
      expect(old!.role, 'the previous Owner becomes Admin').toBe('admin')
    }
  })

  it('a transfer racing a deactivation of its recipient never yields an inactive Owner', async () => {
    for (let round = 0; round < 5; round++) {
      const currentOwner = await expectOneActiveOwner(world.wsA)
      const recipient = await addActiveAdmin(world.wsA, `recipient${round}`)
      const otherAdmin = await addActiveAdmin(world.wsA, `deactivator${round}`)
      const [owner, admin] = await Promise.all([
        clientAs(currentOwner),
        clientAs(otherAdmin.userId),
      ])
      const [transfer, deactivate] = await Promise.all([
        owner.rpc('transfer_ownership', {
          p_workspace_id: world.wsA,
          p_new_owner_membership_id: recipient.membershipId,
        }),
        admin.rpc('deactivate_member', { p_membership_id: recipient.membershipId }),
      ])
      const finalOwner = await expectOneActiveOwner(world.wsA)
      if (!transfer.error) {
        expect(finalOwner).toBe(recipient.userId)
        expect(
          deactivate.error,
          'the recipient became Owner, so the deactivation must fail',
        ).not.toBeNull()
      } else {
        expect(finalOwner).toBe(currentOwner)
      }
    }
  })

  it('two Admins demoting each other at once: at most one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const x = await addActiveAdmin(world.wsA, `duel-x${round}`)
      const y = await addActiveAdmin(world.wsA, `duel-y${round}`)
      const [cx, cy] = await Promise.all([clientAs(x.userId), clientAs(y.userId)])
      const results = await Promise.all([
        cx.rpc('change_member_role', { p_membership_id: y.membershipId, p_role: 'viewer' }),
        cy.rpc('change_member_role', { p_membership_id: x.membershipId, p_role: 'viewer' }),
      ])
      const roles = await sql<{ role: string }>(
        `select role from public.memberships where id = any($1::uuid[])`,
        [[x.membershipId, y.membershipId]],
      )
      const admins = roles.filter((r) => r.role === 'admin').length
      expect(results.filter((r) => !r.error).length, 'a demoted Admin can no longer demote').toBe(1)
      expect(admins).toBe(1)
      await expectOneActiveOwner(world.wsA)
    }
  })
})

describe('bad input gets a specific message and changes nothing', () => {
  it('unknown role', async () => {
    const owner = as.get(world.ownerA.id)!
    const { error } = await owner.rpc('change_member_role', {
      p_membership_id: person('member').membershipId,
      p_role: 'superuser' as 'admin',
    })
    expect(error?.message).toMatch(/superuser/)
    const [m] = await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
      person('member').membershipId,
    ])
    expect(m!.role).toBe('member')
  })

  it('a role change on a member that does not exist', async () => {
    const owner = as.get(world.ownerA.id)!
    const { error } = await owner.rpc('change_member_role', {
      p_membership_id: randomUUID(),
      p_role: 'viewer',
    })
    expect(error?.code).toBe('PT404')
    expect(error?.message).toMatch(/member/i)
  })

  it('an oversized workspace name', async () => {
    const owner = as.get(world.ownerA.id)!
    const before = await sql<{ name: string }>(`select name from public.workspaces where id = $1`, [
      world.wsA,
    ])
    const { error } = await owner
      .from('workspaces')
      .update({ name: 'x'.repeat(5000) })
      .eq('id', world.wsA)
    expect(error).not.toBeNull()
    expect(await sql(`select name from public.workspaces where id = $1`, [world.wsA])).toEqual(
      before,
    )
  })

  it('a role change and its activity row commit together, or neither does', async () => {
    const owner = as.get(world.ownerA.id)!
    const target = person('viewer')
    const count = async () =>
      Number(
        (
          await sql<{ n: string }>(
            `select count(*) n from public.activity_log where workspace_id = $1`,
            [world.wsA],
          )
        )[0]!.n,
      )
    const before = await count()
    const failed = await owner.rpc('change_member_role', {
      p_membership_id: world.ownerA.membershipId,
      p_role: 'viewer',
    })
    expect(failed.error).not.toBeNull()
    expect(await count(), 'a refused change writes no activity').toBe(before)
    const ok = await owner.rpc('change_member_role', {
      p_membership_id: target.membershipId,
      p_role: 'member',
    })
    expect(ok.error).toBeNull()
    const rows = await sql<{ action: string; actor_id: string }>(
      `select action, actor_id from public.activity_log where workspace_id = $1 and id > 0 order by id desc limit 1`,
      [world.wsA],
    )
    expect(rows[0]).toEqual({ action: 'member.role_changed', actor_id: world.ownerA.id })
    expect(await count()).toBe(before + 1)
  })
})

describe('statuses take effect at once, even with a still-valid token', () => {
  it('a member deactivated mid-session loses access on the next request', async () => {
    const victim = await addActiveAdmin(world.wsA, 'offboarded')
    const client = await clientAs(victim.userId) // signed in through Auth while active: a token valid for an hour
    const before = await client.from('assets').select('id').eq('workspace_id', world.wsA)
    expect(before.data?.length ?? 0).toBeGreaterThan(0)
    const owner = await clientAs(await expectOneActiveOwner(world.wsA))
    const { error } = await owner.rpc('deactivate_member', { p_membership_id: victim.membershipId })
    expect(error).toBeNull()
    const after = await client.from('assets').select('id').eq('workspace_id', world.wsA)
    expect(after.data ?? []).toEqual([])
  })
})

describe('a workspace that requires 2FA of its admins', () => {
  it('an Admin reaches its data only with an aal2 session (TOTP through Auth); a Member needs none', async () => {
    const make = (tag: string) =>
      createUser(`${tag}-${randomUUID().slice(0, 8)}@example.test`, undefined, { password: null })
    const [ownerId, adminId, memberId] = await Promise.all([
      make('2fa-owner'),
      make('2fa-admin'),
      make('2fa-member'),
    ])
    const [ws] = await sql<{ id: string }>(
      `with w as (insert into public.workspaces (name, require_2fa) values ($1, 'admins') returning id),
            m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                  select id, $2, 'owner', 'active', now() from w returning workspace_id)
       select workspace_id as id from m`,
      [`2FA ${randomUUID().slice(0, 6)}`, ownerId],
    )
    await sql(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at) values ($1, $2, 'admin', 'active', now()), ($1, $3, 'member', 'active', now())`,
      [ws!.id, adminId, memberId],
    )
    await sql(
      `insert into public.assets (workspace_id, name, asset_tag) values ($1, 'Guarded laptop', $2)`,
      [ws!.id, `G-${randomUUID().slice(0, 8)}`],
    )
    const assets = async (c: Client) =>
      (await c.from('assets').select('id').eq('workspace_id', ws!.id)).data ?? []

    expect(await assets(await clientAs(memberId)), 'a Member at aal1').toHaveLength(1)
    expect(await assets(await clientAs(adminId)), 'an Admin at aal1').toHaveLength(0)
    const stepped = await clientAs(adminId, { aal: 'aal2' })
    expect((await stepped.auth.mfa.getAuthenticatorAssuranceLevel()).data?.currentLevel).toBe(
      'aal2',
    )
    expect(await assets(stepped), 'the same Admin at aal2').toHaveLength(1)
  })
})
