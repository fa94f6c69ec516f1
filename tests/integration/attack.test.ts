// The attack matrix (issue 12, finding 3): bad input from every kind of caller, through the
// gateway, and not a single HTTP 5xx. Every public RPC is called with garbage in each argument
// (unknown and malformed ids, wrong types, oversized text, unknown roles, impossible dates,
// oversized arrays) and with missing or null arguments; every table and view is read with
// malformed filters and written to with garbage. Callers: anonymous, a stranger, a Viewer, a
// Member, an Admin, the Owner, a deactivated Member, another tenant's Owner, the service role.
// The functions are read from the catalogue, so a new RPC is attacked without editing this file.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accessToken, anonKey, apiUrl, closeSql, serviceRoleKey, sql } from '../helpers/stack'
import { buildWorld, type World } from './fixtures'

interface Fn {
  name: string
  args: { name: string; type: string }[]
}
interface Outcome {
  who: string
  what: string
  status: number
  body: string
}

let world: World
let fns: Fn[] = []
let tables: string[] = []
const callers: { who: string; headers: Record<string, string> }[] = []

const BIG = 'x'.repeat(100_000)
const uuids = (n: number) => Array.from({ length: n }, () => randomUUID())

/** Garbage for one argument of a given Postgres type, plus a few real ids of the world. */
function garbageFor(type: string): unknown[] {
  const realIds = [world.wsA, world.wsB, world.ownerA.membershipId, world.people[3]!.membershipId]
  switch (type) {
    case 'uuid':
      return [randomUUID(), 'not-a-uuid', 42, '', { id: 1 }, ...realIds]
    case 'uuid[]':
      return [[], ['not-a-uuid'], [null], uuids(501), 'nope', [world.ownerA.membershipId]]
    case 'text':
      return ['', BIG, '\t\n\u0000', "'; drop table memberships; --", 12, ['a']]
    case 'text[]':
      return [[], [BIG], Array.from({ length: 600 }, (_, i) => `a${i}@x.test`), 'nope', [1, {}]]
    case 'workspace_role':
      return ['superadmin', 'owner', 'admin', 'viewer', '', 7]
    case 'member_status':
      return ['deleted', '', 3]
    case 'integer':
    case 'bigint':
      return [-1, 2 ** 40, 'abc', 1.5, 99999999999999999999]
    case 'boolean':
      return ['maybe', 2]
    case 'timestamp with time zone':
      return ['infinity', '-infinity', '1900-01-01', '9999-12-31', 'garbage', 5]
    case 'jsonb':
    case 'json':
      return [
        {},
        { last_id: 'x', hash: 'zz', row_count: -1 },
        [1, 2],
        'str',
        { last_id: 1e30, hash: 'a'.repeat(64), row_count: 1 },
      ]
    default:
      return [null, 'garbage', 1]
  }
}

function plausible(type: string): unknown {
  switch (type) {
    case 'uuid':
      return world.people[5]!.membershipId
    case 'uuid[]':
      return [world.people[5]!.membershipId]
    case 'text':
      return 'plausible'
    case 'text[]':
      return ['someone@example.test']
    case 'workspace_role':
      return 'viewer'
    case 'integer':
    case 'bigint':
      return 1
    case 'boolean':
      return true
    case 'timestamp with time zone':
      return new Date(Date.now() + 86_400_000).toISOString()
    default:
      return null
  }
}

/** Every request payload for one function: {} , all null, and each argument in turn garbage. */
function payloadsFor(fn: Fn): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    {},
    Object.fromEntries(fn.args.map((a) => [a.name, null])),
  ]
  fn.args.forEach((arg, i) => {
    for (const bad of garbageFor(arg.type)) {
      const body: Record<string, unknown> = {}
      fn.args.forEach((a, j) => (body[a.name] = j === i ? bad : plausible(a.type)))
      out.push(body)
    }
  })
  out.push({ unknown_argument: 1 })
  return out
}

function requestsFor(who: string, headers: Record<string, string>) {
  const list: { who: string; what: string; init: RequestInit; url: string }[] = []
  const json = { ...headers, 'Content-Type': 'application/json' }
  for (const fn of fns) {
    for (const body of payloadsFor(fn)) {
      list.push({
        who,
        what: `rpc ${fn.name} ${JSON.stringify(body).slice(0, 160)}`,
        url: `${apiUrl}/rest/v1/rpc/${fn.name}`,
        init: { method: 'POST', headers: json, body: JSON.stringify(body) },
      })
    }
  }
  for (const table of tables) {
    const base = `${apiUrl}/rest/v1/${table}`
    const reads = [
      '?id=eq.not-a-uuid',
      '?workspace_id=eq.42',
      '?select=nope',
      '?order=nope.desc',
      '?limit=-1',
      '',
    ]
    for (const q of reads)
      list.push({ who, what: `GET ${table}${q}`, url: base + q, init: { headers } })
    const bodies: unknown[] = [
      {},
      { id: 'not-a-uuid' },
      { workspace_id: world.wsA, name: BIG, full_name: BIG, role: 'superadmin', status: 'deleted' },
      { workspace_id: world.wsB, name: '\t', notes: 12, seats: -3 },
      [1, 2],
      'not json',
    ]
    for (const b of bodies) {
      const body = typeof b === 'string' ? b : JSON.stringify(b)
      list.push({
        who,
        what: `POST ${table} ${body.slice(0, 80)}`,
        url: base,
        init: { method: 'POST', headers: json, body },
      })
      list.push({
        who,
        what: `PATCH ${table} ${body.slice(0, 80)}`,
        url: `${base}?id=eq.${world.ownerA.membershipId}`,
        init: { method: 'PATCH', headers: json, body },
      })
    }
    for (const q of [
      '?id=eq.not-a-uuid',
      `?workspace_id=eq.${world.wsB}`,
      `?id=eq.${randomUUID()}`,
    ]) {
      list.push({
        who,
        what: `DELETE ${table}${q}`,
        url: base + q,
        init: { method: 'DELETE', headers },
      })
    }
  }
  return list
}

async function runAll(list: ReturnType<typeof requestsFor>, parallel = 4): Promise<Outcome[]> {
  const out: Outcome[] = []
  let next = 0
  const worker = async () => {
    while (next < list.length) {
      const r = list[next++]!
      const res = await fetch(r.url, r.init)
      const body = await res.text()
      out.push({ who: r.who, what: r.what, status: res.status, body: body.slice(0, 300) })
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return out
}

beforeAll(async () => {
  world = await buildWorld('attack')
  const rows = await sql<{ name: string; args: { name: string; type: string }[] | null }>(
    `select p.proname as name,
            (select json_agg(json_build_object('name', a.name, 'type', format_type(a.type, null)) order by a.ord)
               from unnest(p.proargnames[1:p.pronargs], p.proargtypes::oid[]) with ordinality as a(name, type, ord)) as args
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and p.prokind = 'f'
        and (has_function_privilege('authenticated', p.oid, 'execute')
             or has_function_privilege('service_role', p.oid, 'execute'))
        and p.prorettype <> 'trigger'::regtype
      order by 1`,
  )
  fns = rows.map((r) => ({ name: r.name, args: r.args ?? [] }))
  const rels = await sql<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'v') order by 1`,
  )
  tables = rels.map((r) => r.name)

  const member = world.people.find((p) => p.role === 'member' && p.status === 'active')!
  const viewer = world.people.find((p) => p.role === 'viewer' && p.status === 'active')!
  const admin = world.people.find((p) => p.role === 'admin' && p.status === 'active')!
  const inactive = world.people.find((p) => p.role === 'member' && p.status === 'inactive')!
  const bearer = async (id: string) => ({
    apikey: anonKey,
    Authorization: `Bearer ${await accessToken(id)}`,
  })
  callers.push(
    { who: 'anon', headers: { apikey: anonKey } },
    { who: 'stranger', headers: await bearer(world.stranger.id) },
    { who: 'viewer', headers: await bearer(viewer.id) },
    { who: 'member', headers: await bearer(member.id) },
    { who: 'inactive member', headers: await bearer(inactive.id) },
    { who: 'other tenant owner', headers: await bearer(world.ownerB.id) },
    { who: 'admin', headers: await bearer(admin.id) },
    { who: 'owner', headers: await bearer(world.ownerA.id) },
    {
      who: 'service role',
      headers: { apikey: serviceRoleKey, Authorization: `Bearer ${serviceRoleKey}` },
    },
  )
}, 120_000)
afterAll(closeSql)

describe('attack matrix', () => {
  it('answers every bad request with a 4xx, never a 5xx', async () => {
    const outcomes: Outcome[] = []
    for (const c of callers) outcomes.push(...(await runAll(requestsFor(c.who, c.headers))))
    const failures = outcomes.filter((o) => o.status >= 500)
    const byStatus = outcomes.reduce<Record<number, number>>((acc, o) => {
      acc[o.status] = (acc[o.status] ?? 0) + 1
      return acc
    }, {})
    console.log(
      `attack matrix: ${outcomes.length} requests (${fns.length} RPCs, ${tables.length} tables/views, ` +
        `${callers.length} callers); 5xx: ${failures.length}; by status: ${JSON.stringify(byStatus)}`,
    )
    const sample = [
      ...new Set(
        failures.map(
          (f) =>
            `${f.status} ${f.what.split(' ').slice(0, 2).join(' ')} :: ${f.body.slice(0, 120)}`,
        ),
      ),
    ]
    expect(sample.slice(0, 40)).toEqual([])
  }, 600_000)
})
