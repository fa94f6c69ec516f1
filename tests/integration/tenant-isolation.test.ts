// Issue 19, replayed from the outside: a workspace's SQL credential attacks the other tenants
// over a real Postgres connection, the way the attack run did, and sees none of their values.
// Workspace A's Owner makes the credential through the API; workspace B's rows carry markers
// (B's id and name, its Owner's address, an IP and a user agent) that must never reach A.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schemaReloadChannel } from '../../local-stack/config.ts'
import {
  anonKey,
  apiUrl,
  clientAs,
  closeSql,
  signInFresh,
  sql,
  type Client,
} from '../helpers/stack'
import { buildWorld, type World } from './fixtures'
import {
  closeConnections,
  connect,
  connectOutcome,
  count,
  createCredential,
  outcome,
  REPORTING_VIEWS,
  type Credential,
} from './sqlAccess'

const B_AGENT = 'iso-b-secret-agent/1.0'
const B_IP = '203.0.113.77'

// The planner forced each way the attack run tried, and the default.
const PLANNER_WAYS = [
  [],
  ['set enable_indexscan = off', 'set enable_bitmapscan = off'],
  ['set enable_seqscan = off', 'set enable_hashjoin = off'],
  ['set enable_nestloop = off', 'set enable_mergejoin = off'],
]

let world: World
let owner: Client
let cred: Credential
let db: pg.Client
let markers: string[]
/** view -> its columns, as the credential sees them */
let columns: Map<string, string[]>

async function plannerWay(client: pg.Client, way: string[]) {
  await client.query('reset all')
  for (const s of way) await client.query(s)
}

/** Every value of another workspace that the text contains. */
const foreign = (text: string) => markers.filter((m) => text.includes(m))

/**
 * Attack 2 without TEMP: a volatile function every role may call, set_config(), in the WHERE
 * clause records each value it is evaluated on. Returns what it recorded over every view and
 * column, each planner way.
 */
async function probeEverything(client: pg.Client): Promise<string> {
  let seen = ''
  for (const way of PLANNER_WAYS) {
    await plannerWay(client, way)
    for (const view of REPORTING_VIEWS) {
      for (const col of columns.get(view)!) {
        await client.query(`select set_config('fx.seen', '', false)`)
        await client.query(
          `select count(*) from reporting.${view}
            where set_config('fx.seen', current_setting('fx.seen', true) || '|' || coalesce(${col}::text, ''), false) is not null`,
        )
        const { rows } = await client.query<{ s: string }>(
          `select current_setting('fx.seen', true) s`,
        )
        seen += rows[0]!.s
      }
    }
  }
  await client.query('reset all')
  return seen
}

/**
 * Attack 1: a cast that fails on another tenant's value puts that value in the error message.
 * Returns the messages of every error raised, each view, column and planner way.
 */
async function castEverything(client: pg.Client, ownWs: string): Promise<string[]> {
  const errors: string[] = []
  for (const way of PLANNER_WAYS) {
    await plannerWay(client, way)
    for (const view of REPORTING_VIEWS) {
      for (const col of columns.get(view)!) {
        try {
          await client.query(
            `select 1 from reporting.${view} where workspace_id <> $1 and ${col}::text::int = 0`,
            [ownWs],
          )
        } catch (err) {
          errors.push(`${view}.${col}: ${(err as Error).message}`)
        }
      }
    }
  }
  await client.query('reset all')
  return errors
}

beforeAll(async () => {
  world = await buildWorld('iso')
  const [ws] = await sql<{ name: string }>(`select name from public.workspaces where id = $1`, [
    world.wsB,
  ])
  // B's history: a role change by B's Owner from a known address and browser.
  await sql(
    `insert into public.activity_log (workspace_id, actor_id, actor_email, action, entity_type, entity_id, subject_user_id, ip, user_agent, before, after)
     select $1, $2, $3, 'member.role_changed', 'membership', m.id::text, m.user_id, $4::inet, $5,
            '{"role":"member"}', '{"role":"admin"}'
       from public.memberships m where m.workspace_id = $1 and m.role = 'owner'`,
    [world.wsB, world.ownerB.id, world.ownerB.email, B_IP, B_AGENT],
  )
  markers = [world.wsB, world.ownerB.email, ws!.name, B_IP, B_AGENT]
  owner = await clientAs(world.ownerA.id)
  cred = await createCredential(owner, world.wsA, 'Attack run')
  db = await connect(cred.role_name, cred.password)
  const { rows } = await db.query<{ view: string; cols: string[] }>(
    `select table_name as view, array_agg(column_name::text order by ordinal_position) as cols
       from information_schema.columns where table_schema = 'reporting' group by 1`,
  )
  columns = new Map(rows.map((r) => [r.view, r.cols]))
})

afterAll(async () => {
  await closeConnections()
  await sql(`delete from private.sql_credentials where workspace_id = any($1)`, [
    [world.wsA, world.wsB],
  ])
  await sql(`delete from public.workspaces where name like 'iso-extra-%'`)
  await closeSql()
})

describe("a credential reads no other workspace's value, by any route", () => {
  it('the probes reach every column of the five views, and the credential sees its own rows', async () => {
    expect([...columns.keys()].sort()).toEqual([...REPORTING_VIEWS].sort())
    expect(await count(db, 'select count(*) n from reporting.activity')).toBeGreaterThan(0)
  })

  it('attack 1: a failing cast never runs on another workspace’s rows (no error, no value)', async () => {
    const errors = await castEverything(db, world.wsA)
    expect(errors.flatMap(foreign)).toEqual([])
    expect(errors).toEqual([])
  })

  it('attack 2: a function in the WHERE clause sees only the workspace’s rows', async () => {
    const seen = await probeEverything(db)
    expect(seen).toContain(world.wsA) // the probe ran, on A's rows
    expect(foreign(seen)).toEqual([])
  })

  it('the same probes as the vendor-wide analyst do see B (the markers are real)', async () => {
    const analyst = await connect('fluxera_analyst', 'analyst-local-only')
    const seen = await probeEverything(analyst)
    expect(foreign(seen).sort()).toEqual([...markers].sort())
  })

  it('attack 2 as written: no TEMP, so no temporary function or table', async () => {
    const c = await connect(cred.role_name, cred.password)
    await c.query('set default_transaction_read_only = off')
    expect(
      await outcome(
        c,
        `create function pg_temp.leak(text) returns boolean language plpgsql cost 0.0001
           as $$ begin raise notice '%', $1; return true; end $$`,
      ),
    ).toBe('42501')
    expect(await outcome(c, 'create temp table t (a int)')).toBe('42501')
    await c.end() // a credential has two connections
  })

  it('attack 5: a session opened before its expiry reads nothing, of B or A, after it', async () => {
    const expiring = await createCredential(owner, world.wsA, 'Expiring probe')
    const session = await connect(expiring.role_name, expiring.password)
    await sql(
      `update private.sql_credentials set expires_at = now() - interval '1 second' where id = $1`,
      [expiring.id],
    )
    expect(foreign(await probeEverything(session))).toEqual([])
    expect(await castEverything(session, world.wsA)).toEqual([])
    for (const view of REPORTING_VIEWS)
      expect(await count(session, `select count(*) n from reporting.${view}`), view).toBe(0)
  })

  it('attack 6: no large object can be written, read-only or not', async () => {
    const before = await sql<{ n: string }>(`select count(*) n from pg_largeobject_metadata`)
    const c = await connect(cred.role_name, cred.password)
    await c.query('set default_transaction_read_only = off')
    for (const call of [
      `select lo_from_bytea(0, 'kept'::bytea)`,
      `select lo_create(0)`,
      `select lo_creat(-1)`,
      `select lo_import('/etc/hostname')`,
    ])
      expect(await outcome(c, call), call).toBe('42501')
    await c.end()
    const after = await sql<{ n: string }>(`select count(*) n from pg_largeobject_metadata`)
    expect(after[0]!.n).toBe(before[0]!.n)
  })

  it('no role comment names a workspace', async () => {
    const { rows } = await db.query<{ c: string | null }>(
      `select shobj_description(oid, 'pg_authid') c from pg_roles where rolname ~ '^fx_ro_'`,
    )
    expect(rows.length).toBeGreaterThan(0)
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
    expect(rows.filter((r) => uuid.test(r.c ?? ''))).toEqual([])
  })

  it('a credential cannot make PostgREST reload its schema cache', async () => {
    const probe = async () =>
      (
        await fetch(`${apiUrl}/rest/v1/rpc/iso_reload_probe`, {
          method: 'POST',
          headers: { apikey: anonKey, 'content-type': 'application/json' },
          body: '{}',
        })
      ).status
    await sql(
      `create function public.iso_reload_probe() returns integer language sql as 'select 1'`,
    )
    try {
      await sql(`grant execute on function public.iso_reload_probe() to anon`)
      await db.query(`notify pgrst, 'reload schema'`)
      await db.query(`select pg_notify('pgrst', 'reload schema')`)
      await new Promise((r) => setTimeout(r, 1500))
      expect(await probe()).toBe(404) // not in PostgREST's cache: no reload happened
      // The stack's own channel does reload (so the 404 above is not a broken probe).
      await sql(`notify ${schemaReloadChannel()}, 'reload schema'`)
      let status = 0
      for (let i = 0; i < 40 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250))
        status = await probe()
      }
      expect(status).toBe(200)
    } finally {
      await sql(`drop function if exists public.iso_reload_probe()`)
      await sql(`notify ${schemaReloadChannel()}, 'reload schema'`)
    }
  })
})

describe('a connection budget nobody can exhaust', () => {
  it('a credential holds at most 2 connections', async () => {
    const c = await createCredential(owner, world.wsA, 'Two connections')
    expect(await connectOutcome(c.role_name, c.password)).toBe('connected')
    expect(await connectOutcome(c.role_name, c.password)).toBe('connected')
    expect(await connectOutcome(c.role_name, c.password)).toBe('53300') // too_many_connections
  })

  it('a workspace holds at most 5 credentials', async () => {
    const [{ n }] = (await sql<{ n: string }>(
      `select count(*) n from private.sql_credentials where workspace_id = $1`,
      [world.wsA],
    )) as [{ n: string }]
    for (let i = Number(n); i < 5; i++) await createCredential(owner, world.wsA, `Filler ${i}`)
    const { error, status } = await owner.rpc('create_sql_credential', {
      p_workspace_id: world.wsA,
      p_name: 'One too many',
    })
    expect(status).toBe(400)
    expect(error?.message).toBe('A workspace can have at most 5 SQL credentials; revoke one first.')
  })

  it('all credentials together stay within their share of the server (503 past it)', async () => {
    const [{ share }] = (await sql<{ share: string }>(
      `select connection_share::text share from private.sql_access_limits`,
    )) as [{ share: string }]
    // Room in the workspace, but none on the server: the share leaves exactly today's
    // allotment, so one more credential would pass it.
    await sql(`delete from private.sql_credentials where workspace_id = $1 and name = 'Filler 4'`, [
      world.wsA,
    ])
    await sql(
      `update private.sql_access_limits
          set connection_share = greatest(private.sql_credential_connections_allotted(), 1)::numeric
                                 / current_setting('max_connections')::integer`,
    )
    try {
      const { error, status } = await owner.rpc('create_sql_credential', {
        p_workspace_id: world.wsA,
        p_name: 'Past the budget',
      })
      expect(status).toBe(503)
      expect(error?.message).toMatch(/^SQL access is at capacity on this server/)
    } finally {
      await sql(`update private.sql_access_limits set connection_share = $1::numeric`, [share])
    }
  })

  it('with every cap used by one person, PostgREST and Auth still get connections', async () => {
    // One Owner with three workspaces, five credentials each, two connections each.
    await sql(`delete from private.sql_credentials where workspace_id = $1`, [world.wsA])
    const extra = await sql<{ id: string }>(
      `with w as (insert into public.workspaces (name)
                  select 'iso-extra-' || g || '-' || gen_random_uuid() from generate_series(1, 2) g returning id),
            m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                  select id, $1, 'owner', 'active', now() from w returning workspace_id)
       select workspace_id as id from m`,
      [world.ownerA.id],
    )
    const sessions: pg.Client[] = []
    for (const ws of [world.wsA, ...extra.map((e) => e.id)]) {
      for (let i = 0; i < 5; i++) {
        const c = await createCredential(owner, ws, `Cap ${i}`)
        for (let k = 0; k < 2; k++) sessions.push(await connect(c.role_name, c.password))
      }
    }
    expect(sessions.length).toBe(30)
    // Fresh logins of the API's own roles still succeed ...
    expect(await connectOutcome('authenticator', 'postgres')).toBe('connected')
    expect(await connectOutcome('supabase_auth_admin', 'postgres')).toBe('connected')
    // ... and so do requests through them.
    const { error } = await owner.from('workspaces').select('id').eq('id', world.wsA)
    expect(error).toBeNull()
    const fresh = await signInFresh(world.ownerA.id)
    expect((await fresh.auth.getSession()).data.session).not.toBeNull()
    const [{ used, max, budget }] = (await sql<{ used: number; max: number; budget: number }>(
      `select (select count(*) from pg_stat_activity where backend_type = 'client backend')::int used,
              current_setting('max_connections')::int max,
              private.sql_credential_connection_budget() budget`,
    )) as [{ used: number; max: number; budget: number }]
    console.log(
      `connections: ${used} of ${max} in use with every cap of one person used; all credentials together may hold ${budget}`,
    )
    expect(used).toBeLessThan(max)
  })
})
