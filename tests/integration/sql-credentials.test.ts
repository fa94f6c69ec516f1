// Workspace-scoped SQL credentials, proven from a real SQL client: the Owner creates one through
// supabase-js (PostgREST), then `pg` connects with it the way Metabase or psql would. The scoped
// credential sees exactly its workspace's rows in every reporting view and nothing else; the
// vendor-wide analyst (local password from supabase/seed.sql) sees every workspace.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientAs, closeSql, sql, type Client } from '../helpers/stack'
import { buildWorld, type World } from './fixtures'
import {
  closeConnections,
  connect,
  connectOutcome,
  count,
  createCredential as create,
  outcome,
  REPORTING_VIEWS as VIEWS,
  type Credential,
} from './sqlAccess'

async function baseCount(text: string, values: unknown[]): Promise<number> {
  const [row] = await sql<{ n: string }>(text, values)
  return Number(row!.n)
}

/** History in both workspaces: role changes, and ten deletions in a row (a deletion burst). */
async function history(ws: string, tag: string) {
  await sql(
    `update public.memberships set role = 'member'
      where id = (select id from public.memberships where workspace_id = $1 and role = 'viewer' and status = 'active' limit 1)`,
    [ws],
  )
  await sql(
    `insert into public.assets (workspace_id, name, asset_tag)
     select $1, 'Scrap ' || g, $2 || '-' || g from generate_series(1, 10) g`,
    [ws, tag],
  )
  await sql(`delete from public.assets where workspace_id = $1 and asset_tag like $2`, [
    ws,
    `${tag}-%`,
  ])
}

let world: World
let owner: Client
let scoped: Credential
let scopedDb: pg.Client
let analystDb: pg.Client

beforeAll(async () => {
  world = await buildWorld('sqlcred')
  // Workspace B gets a viewer too, so both have a role change to report.
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
     values ($1, $2, 'viewer', 'active', now())`,
    [world.wsB, world.stranger.id],
  )
  await history(world.wsA, 'SQLA')
  await history(world.wsB, 'SQLB')
  owner = await clientAs(world.ownerA.id)
  scoped = await create(owner, world.wsA, 'Metabase')
  scopedDb = await connect(scoped.role_name, scoped.password)
  analystDb = await connect('fluxera_analyst', 'analyst-local-only')
})

afterAll(async () => {
  await closeConnections()
  // Credentials hold a share of the server's connection budget: give it back.
  await sql(`delete from private.sql_credentials where workspace_id = any($1)`, [
    [world.wsA, world.wsB],
  ])
  await closeSql()
})

describe('a scoped credential sees exactly its workspace', () => {
  it('activity: every row of workspace A and none of another workspace', async () => {
    const mine = await baseCount(
      `select count(*) n from public.activity_log where workspace_id = $1`,
      [world.wsA],
    )
    expect(mine).toBeGreaterThan(20)
    expect(await count(scopedDb, `select count(*) n from activity`)).toBe(mine)
    expect(
      await count(scopedDb, `select count(*) n from activity where workspace_id <> $1`, [
        world.wsA,
      ]),
    ).toBe(0)
  })

  it("role_changes: the workspace's role changes and ownership transfers", async () => {
    const mine = await baseCount(
      `select count(*) n from public.activity_log
        where workspace_id = $1 and action in ('member.role_changed', 'ownership.transferred')`,
      [world.wsA],
    )
    expect(mine).toBeGreaterThan(0)
    expect(await count(scopedDb, `select count(*) n from role_changes`)).toBe(mine)
  })

  it('member_roster: one row per membership of the workspace', async () => {
    const mine = await baseCount(
      `select count(*) n from public.memberships where workspace_id = $1`,
      [world.wsA],
    )
    expect(mine).toBe(world.people.length)
    expect(await count(scopedDb, `select count(*) n from member_roster`)).toBe(mine)
  })

  it('member_roster: the effective status, as a credential reads it (an ended suspension is active)', async () => {
    // The column inlines private.suspension_elapsed, run with the credential's rights.
    const [ended, running] = world.people.filter((p) => p.status === 'suspended')
    expect(ended && running).toBeTruthy()
    await sql(
      `update public.memberships set suspended_until = now() - interval '1 hour' where id = $1`,
      [ended!.membershipId],
    )
    await sql(
      `update public.memberships set suspended_until = now() + interval '1 day' where id = $1`,
      [running!.membershipId],
    )
    const { rows } = await scopedDb.query<{ id: string; status: string; stored_status: string }>(
      `select membership_id::text id, status::text, stored_status::text from member_roster
        where membership_id in ($1, $2) order by status`,
      [ended!.membershipId, running!.membershipId],
    )
    expect(rows).toEqual([
      { id: ended!.membershipId, status: 'active', stored_status: 'suspended' },
      { id: running!.membershipId, status: 'suspended', stored_status: 'suspended' },
    ])
  })

  it("daily_activity_counts: adds up to the workspace's activity, in the same groups", async () => {
    const [base] = await sql<{ events: string; groups: string }>(
      `select count(*) events,
              count(distinct ((occurred_at at time zone 'UTC')::date, action)) groups
         from public.activity_log where workspace_id = $1`,
      [world.wsA],
    )
    const { rows } = await scopedDb.query<{ events: string; groups: string }>(
      `select coalesce(sum(events), 0) events, count(*) groups from daily_activity_counts`,
    )
    expect(Number(rows[0]!.events)).toBe(Number(base!.events))
    expect(Number(rows[0]!.groups)).toBe(Number(base!.groups))
  })

  it("alerts: the workspace's bursts, the same the vendor-wide analyst sees for it", async () => {
    const mine = await count(analystDb, `select count(*) n from alerts where workspace_id = $1`, [
      world.wsA,
    ])
    expect(mine).toBeGreaterThan(0)
    expect(await count(scopedDb, `select count(*) n from alerts`)).toBe(mine)
  })

  it('no view has a row of another workspace (the figure: 0)', async () => {
    let foreign = 0
    for (const view of VIEWS) {
      foreign += await count(scopedDb, `select count(*) n from ${view} where workspace_id <> $1`, [
        world.wsA,
      ])
      const { rows } = await scopedDb.query<{ ids: string[] }>(
        `select coalesce(array_agg(distinct workspace_id::text), '{}') ids from ${view}`,
      )
      expect(rows[0]!.ids, view).toEqual([world.wsA])
    }
    expect(foreign).toBe(0)
  })

  it('while the vendor-wide analyst sees both workspaces', async () => {
    for (const view of [
      'activity',
      'member_roster',
      'alerts',
      'daily_activity_counts',
      'role_changes',
    ]) {
      const { rows } = await analystDb.query<{ ws: string }>(
        `select distinct workspace_id::text ws from ${view} where workspace_id in ($1, $2)`,
        [world.wsA, world.wsB],
      )
      expect(rows.map((r) => r.ws).sort(), view).toEqual([world.wsA, world.wsB].sort())
    }
    const all = await baseCount(
      `select count(*) n from public.activity_log where workspace_id = $1`,
      [world.wsB],
    )
    expect(
      await count(analystDb, `select count(*) n from activity where workspace_id = $1`, [
        world.wsB,
      ]),
    ).toBe(all)
  })
})

describe('a scoped credential can do nothing else', () => {
  it('cannot read auth, public or private tables', async () => {
    for (const table of [
      'auth.users',
      'auth.sessions',
      'public.memberships',
      'public.activity_log',
      'public.profiles',
      'public.member_directory',
      'private.sql_credentials',
      'private.alert_rules',
    ]) {
      expect(await outcome(scopedDb, `select * from ${table} limit 1`), table).toBe('42501')
    }
  })

  it("cannot call the app's functions", async () => {
    expect(await outcome(scopedDb, `select private.reporting_workspace_ids()`)).toBe('42501')
    expect(await outcome(scopedDb, `select * from public.my_permissions('${world.wsB}')`)).toBe(
      '42501',
    )
  })

  it('refuses insert, update, delete and create table (read-only sessions)', async () => {
    expect(
      await outcome(
        scopedDb,
        `insert into public.assets (workspace_id, name, asset_tag) values ('${world.wsA}', 'x', 'x')`,
      ),
    ).toMatch(/^(25006|42501)$/)
    expect(await outcome(scopedDb, `update public.workspaces set name = 'x'`)).toMatch(
      /^(25006|42501)$/,
    )
    expect(await outcome(scopedDb, `delete from public.memberships`)).toMatch(/^(25006|42501)$/)
    expect(await outcome(scopedDb, `create table reporting.t (a int)`)).toMatch(/^(25006|42501)$/)
    expect(await outcome(scopedDb, `create table public.t (a int)`)).toMatch(/^(25006|42501)$/)
    const { rows } = await scopedDb.query<{ ro: string; timeout: string; jit: string }>(
      `select current_setting('transaction_read_only') ro, current_setting('statement_timeout') timeout,
              current_setting('jit') jit`,
    )
    // JIT off: compiling cost more than running the dashboard queries (docs/benchmarks.md).
    expect(rows[0]).toEqual({ ro: 'on', timeout: '15s', jit: 'off' })
  })

  it('cannot set role to anything else', async () => {
    for (const role of [
      'postgres',
      'fluxera_analyst',
      'service_role',
      'authenticated',
      'anon',
      'supabase_admin',
    ]) {
      expect(await outcome(scopedDb, `set role ${role}`), role).toBe('42501')
    }
  })

  it('turning read-only off does not make a write possible', async () => {
    const c = await connect(scoped.role_name, scoped.password)
    await c.query(`set default_transaction_read_only = off`)
    expect(
      await outcome(
        c,
        `insert into public.assets (workspace_id, name, asset_tag) values ('${world.wsA}', 'x', 'y')`,
      ),
    ).toBe('42501')
    expect(await outcome(c, `update public.memberships set role = 'owner'`)).toBe('42501')
    expect(await outcome(c, `delete from public.activity_log`)).toBe('42501')
    expect(await outcome(c, `create table public.t (a int)`)).toBe('42501')
    expect(await outcome(c, `create table reporting.t (a int)`)).toBe('42501')
    expect(await outcome(c, `insert into reporting.activity (action) values ('x.y')`)).toMatch(
      /^(42501|55000)$/,
    )
    expect(await outcome(c, `create role fx_ro_sneaky login`)).toBe('42501')
    expect(await outcome(c, `alter role ${scoped.role_name} connection limit 100`)).toBe('42501')
    await c.end()
  })
})

describe('lifecycle from the app', () => {
  it('rotation: the old password stops working, the new one connects, sessions end', async () => {
    const cred = await create(owner, world.wsA, 'Grafana')
    const before = await connect(cred.role_name, cred.password)
    const { data, error } = await owner.rpc('rotate_sql_credential', { p_credential_id: cred.id })
    expect(error).toBeNull()
    const rotated = (data as Credential[])[0]!
    expect(rotated.password).not.toBe(cred.password)
    expect(await connectOutcome(cred.role_name, cred.password)).toBe('28P01')
    expect(await connectOutcome(cred.role_name, rotated.password)).toBe('connected')
    expect(await outcome(before, 'select 1')).not.toBe('ok')
  })

  it('the listing shows last use from open sessions, never a password', async () => {
    await scopedDb.query('select count(*) from activity')
    const { data, error } = await owner.rpc('list_sql_credentials', { p_workspace_id: world.wsA })
    expect(error).toBeNull()
    const row = data!.find((r) => r.id === scoped.id)!
    expect(row.name).toBe('Metabase')
    expect(row.created_by_email).toBe(world.ownerA.email)
    expect(row.last_used_at).not.toBeNull()
    expect(row.open_sessions).toBeGreaterThan(0)
    expect(JSON.stringify(data)).not.toContain(scoped.password)
  })

  it('a revoked credential cannot connect, and its open session is ended', async () => {
    const cred = await create(owner, world.wsA, 'Revoked')
    const session = await connect(cred.role_name, cred.password)
    const { error } = await owner.rpc('revoke_sql_credential', { p_credential_id: cred.id })
    expect(error).toBeNull()
    expect(await connectOutcome(cred.role_name, cred.password)).toBe('28P01')
    expect(await outcome(session, 'select count(*) from activity')).not.toBe('ok')
  })

  it('an expired credential cannot connect', async () => {
    const expires = new Date(Date.now() + 2000)
    const cred = await create(owner, world.wsA, 'Short-lived', expires.toISOString())
    while (Date.now() < expires.getTime() + 500) await new Promise((r) => setTimeout(r, 250))
    expect(await connectOutcome(cred.role_name, cred.password)).toBe('28P01')
  })

  it('a session opened before the expiry sees no rows after it', async () => {
    const cred = await create(owner, world.wsA, 'Expiring')
    const session = await connect(cred.role_name, cred.password)
    expect(await count(session, 'select count(*) n from activity')).toBeGreaterThan(0)
    // Time passing, simulated: the expiry moves into the past.
    await sql(
      `update private.sql_credentials set expires_at = now() - interval '1 second' where id = $1`,
      [cred.id],
    )
    for (const view of VIEWS)
      expect(await count(session, `select count(*) n from ${view}`), view).toBe(0)
  })

  it('creating, rotating and revoking are in the activity log, without passwords', async () => {
    const rows = await sql<{ action: string; row: string }>(
      `select action, a::text as row from public.activity_log a
        where workspace_id = $1 and entity_type = 'sql_credential' order by id`,
      [world.wsA],
    )
    const actions = rows.map((r) => r.action)
    expect(actions).toContain('sql_credential.created')
    expect(actions).toContain('sql_credential.rotated')
    expect(actions).toContain('sql_credential.revoked')
    for (const r of rows) expect(r.row).not.toContain(scoped.password)
  })
})
