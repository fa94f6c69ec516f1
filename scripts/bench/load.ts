#!/usr/bin/env node
// Load run of the Users and Activity pages at Bench Corp scale (`npm run bench:seed` first):
// 50 connections (autocannon) for 12 s per request kind, all in one run, each read reported as a
// ratio of the trivial RLS select measured in the same run (the ceiling of this machine and stack).
//
//   npm run bench:load                          the SPA's requests as src/api sends them now
//   npm run bench:load -- --shape=before        the requests the SPA sent before issue 11
//   npm run bench:load -- --duration=15 --connections=50 --rounds=3 --only=ceiling,users_first
//
// Each kind runs --duration seconds in all, split over --rounds rounds that cycle through every
// kind (so load changes during the run affect all kinds alike).
//
// Requests are built as the SPA builds them (src/api/members.ts, src/api/activity.ts) and sent as
// raw HTTP, one shared access token (the bench admin's, minted with the project's JWT secret like
// scripts/bench/run.ts does, so Auth's sign-in is not part of the figures). After the write mix (role changes
// through RPC and asset edits through PATCH, each writing its chained activity row) the hash
// chain is verified in chunks through the API. Writes bench-results/load-<shape>.json.
import autocannon from 'autocannon'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { anonKey, dbUrl as stackDbUrl, root } from '../../local-stack/config.ts'
import { requireBenchCorp } from './context.ts'
import {
  ACTIVITY_COLUMNS,
  SEARCHES,
  accessToken,
  apiUrl,
  argValue,
  liveSession,
  stats,
} from './lib.ts'

const args = process.argv.slice(2)
const SHAPE = argValue(args, 'shape') ?? 'after'
const DURATION = Number(argValue(args, 'duration') ?? 12)
const CONNECTIONS = Number(argValue(args, 'connections') ?? 50)
const ROUNDS = Math.max(1, Number(argValue(args, 'rounds') ?? 3))
const only = argValue(args, 'only')?.split(',')
const dbUrl = process.env.BENCH_DB_URL ?? stackDbUrl
if (SHAPE !== 'before' && SHAPE !== 'after') throw new Error('--shape is before or after')

const db = new pg.Client({ connectionString: dbUrl, application_name: 'fluxera-bench-load' })
await db.connect()
const ctx = await requireBenchCorp(db)
const ws = ctx.workspaceId
const token = await accessToken(ctx.admin, {
  expiresInSeconds: 4 * 3600,
  sessionId: await liveSession(db, ctx.admin),
})
const auth = { apikey: anonKey, authorization: `Bearer ${token}` }

// People for the writes: active members and viewers (the admin may change their role), and
// assets to edit. Busy actor for the filtered Activity page: the bench admin (~1% of the log).
const pool = (
  await db.query<{ id: string }>(
    `select id from public.memberships where workspace_id = $1 and status = 'active'
        and role in ('member', 'viewer') order by id limit 400`,
    [ws],
  )
).rows.map((r) => r.id)
const roles = new Map(
  (
    await db.query<{ id: string; role: string }>(
      `select id, role from public.memberships where id = any($1)`,
      [pool],
    )
  ).rows.map((r) => [r.id, r.role]),
)
const assetIds = ctx.assetIds
// 50,000 rows a call: ~0.1-0.3 s on a quiet machine, inside the 8 s statement timeout when busy
const VERIFY_CHUNK = 50000
// The Activity page's "last 30 days" (src/api/activity.ts: from a day 30 days back, to the end
// of today).
const endOfToday = new Date()
endOfToday.setHours(23, 59, 59, 999)
const last30From = new Date(Date.now() - 30 * 864e5).toISOString()
const last30To = endOfToday.toISOString()

// ---------- The requests, as the SPA sends them --------------------------------------------
/** One HTTP request for autocannon (and the check before the run). */
interface Req {
  method: 'GET' | 'POST' | 'PATCH'
  path: string
  headers: Record<string, string>
  body?: string
}
type Make = () => Req
const q = (path: string, params: Record<string, string>): string =>
  `${path}?${new URLSearchParams(params).toString()}`
const quotedLike = (text: string): string => `"%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%"`
const orIlike = (cols: string[], text: string): string =>
  `(${cols.map((c) => `${c}.ilike.${quotedLike(text)}`).join(',')})`
const get = (path: string, extra: Record<string, string> = {}): Req => ({
  method: 'GET',
  path,
  headers: { ...auth, ...extra },
})
const rpc = (name: string, body: Record<string, unknown>): Req => ({
  method: 'POST',
  path: `/rest/v1/rpc/${name}`,
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
})
const rotate = (make: (i: number) => Req): Make => {
  let i = 0
  return () => make(i++)
}
const searchKinds = (make: (term: string) => Req): Record<string, Make> =>
  Object.fromEntries(SEARCHES.map(([id, term]) => [`users_search_${id}`, () => make(term)]))

const shapes: Record<'before' | 'after', Record<string, Make>> = {
  // src/api/members.ts and src/api/activity.ts before issue 11
  before: {
    users_first: () =>
      get(
        q('/rest/v1/member_directory', {
          select: '*',
          workspace_id: `eq.${ws}`,
          order: 'created_at.desc.nullslast,id.asc',
          offset: '0',
          limit: '20',
        }),
        { prefer: 'count=exact' },
      ),
    ...searchKinds((term) =>
      get(
        q('/rest/v1/member_directory', {
          select: '*',
          workspace_id: `eq.${ws}`,
          or: orIlike(['full_name', 'email'], term),
          order: 'created_at.desc.nullslast,id.asc',
          offset: '0',
          limit: '20',
        }),
        { prefer: 'count=exact' },
      ),
    ),
    activity_first: () =>
      get(
        q('/rest/v1/activity_log', {
          select: ACTIVITY_COLUMNS,
          workspace_id: `eq.${ws}`,
          order: 'id.desc',
          offset: '0',
          limit: '25',
        }),
        { prefer: 'count=exact' },
      ),
    activity_actor_range: () => {
      const p = new URLSearchParams({
        select: ACTIVITY_COLUMNS,
        workspace_id: `eq.${ws}`,
        actor_email: `ilike.*${ctx.admin.email.split('@')[0]}*`,
      })
      p.append('occurred_at', `gte.${last30From}`)
      p.append('occurred_at', `lt.${last30To}`)
      p.append('order', 'id.desc')
      p.append('offset', '0')
      p.append('limit', '25')
      return get(`/rest/v1/activity_log?${p}`, { prefer: 'count=exact' })
    },
  },
  // src/api/members.ts and src/api/activity.ts now: the page and, once per filter change, the
  // count as a separate request (measured separately below).
  after: {
    users_first: () =>
      rpc('member_directory_page', {
        p_workspace_id: ws,
        p_sort: 'last_active_at',
        p_descending: true,
        p_offset: 0,
        p_limit: 20,
      }),
    users_count: () => rpc('member_directory_count', { p_workspace_id: ws }),
    ...searchKinds((term) =>
      rpc('member_directory_page', {
        p_workspace_id: ws,
        p_sort: 'last_active_at',
        p_descending: true,
        p_search: term,
        p_offset: 0,
        p_limit: 20,
      }),
    ),
    activity_first: () =>
      get(
        q('/rest/v1/activity_log', {
          select: ACTIVITY_COLUMNS,
          workspace_id: `eq.${ws}`,
          order: 'occurred_at.desc,id.desc',
          limit: '26',
        }),
      ),
    activity_count: () => rpc('activity_count', { p_workspace_id: ws, p_cap: 10000 }),
    activity_actor_range: () => {
      const p = new URLSearchParams({
        select: ACTIVITY_COLUMNS,
        workspace_id: `eq.${ws}`,
        actor_id: `eq.${ctx.busyActorId}`,
      })
      p.append('occurred_at', `gte.${last30From}`)
      p.append('occurred_at', `lt.${last30To}`)
      p.append('order', 'occurred_at.desc,id.desc')
      p.append('limit', '26')
      return get(`/rest/v1/activity_log?${p}`)
    },
  },
}

const LABELS: Record<string, string> = {
  ceiling: 'trivial RLS select (workspaces?id=eq.…), the ceiling',
  users_first: 'Users first page',
  users_count: 'Users count (once per filter change)',
  ...Object.fromEntries(
    SEARCHES.map(([id, term, label]) => [
      `users_search_${id}`,
      `Users search "${term}" (${label})`,
    ]),
  ),
  activity_first: 'Activity first page',
  activity_count: 'Activity count (to 10,000, once per filter change)',
  activity_actor_range: 'Activity by actor + last 30 days',
  writes: 'write mix: role change (RPC) / asset edit (PATCH)',
}

const writeMix = rotate((i) => {
  if (i % 2 === 0) {
    const id = pool[(i / 2) % pool.length] ?? ''
    const next = roles.get(id) === 'member' ? 'viewer' : 'member'
    roles.set(id, next)
    return rpc('change_member_role', { p_membership_id: id, p_role: next })
  }
  const id = assetIds[((i - 1) / 2) % assetIds.length] ?? ''
  return {
    method: 'PATCH',
    path: q('/rest/v1/assets', { id: `eq.${id}`, select: '*' }),
    headers: {
      ...auth,
      'content-type': 'application/json',
      prefer: 'return=representation',
      accept: 'application/vnd.pgrst.object+json',
    },
    body: JSON.stringify({ notes: `load run ${Date.now()} #${i}` }),
  }
})

const allKinds: [id: string, make: Make][] = [
  ['ceiling', () => get(q('/rest/v1/workspaces', { select: 'id', id: `eq.${ws}` }))],
  ...Object.entries(shapes[SHAPE]),
  ['writes', writeMix],
]
const kinds = allKinds.filter(([id]) => !only || only.includes(id))

// ---------- Running ---------------------------------------------------------------------------
interface RunResult {
  result: autocannon.Result
  times: number[]
  statuses: Record<string, number>
}
function run(make: Make, seconds: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const times: number[] = []
    const statuses: Record<string, number> = {}
    const instance = autocannon(
      {
        url: apiUrl,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            setupRequest: (req: autocannon.Request) => {
              const r = make()
              return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body }
            },
          },
        ],
      },
      (err: Error | null, result: autocannon.Result) =>
        err ? reject(err) : resolvePromise({ result, times, statuses }),
    )
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      times.push(ms)
      statuses[status] = (statuses[status] ?? 0) + 1
    })
  })
}

const loadBefore = os.loadavg()
console.log(
  `Bench Corp: ${ctx.dataset.members} members, ${ctx.dataset.activity} activity rows; shape "${SHAPE}"; ` +
    `${CONNECTIONS} connections × ${DURATION} s per request kind in ${ROUNDS} rounds; load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')}`,
)
// The kinds run in ROUNDS rounds of DURATION / ROUNDS seconds each (ceiling, Users, Activity,
// writes, then again), so that a change of the machine's load during the run (other people's
// test suites) weighs on every kind alike, not on whichever ran at that moment. Figures pool
// the rounds.
for (const [id, term, label] of SEARCHES) {
  if (!kinds.some(([k]) => k === `users_search_${id}`)) continue
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int n from public.memberships m
      where m.workspace_id = $1
        and (coalesce(m.member_name, '') || ' ' || coalesce(m.member_email, '')) ilike '%' || $2 || '%'`,
    [ws, term],
  )
  console.log(
    `  search "${term}" (${label}): ${rows[0]?.n} of ${ctx.dataset.members} members match`,
  )
}
for (const [id, make] of kinds) {
  // check the request works once before loading it
  const sample = make()
  const res = await fetch(`${apiUrl}${sample.path}`, {
    method: sample.method,
    headers: sample.headers,
    body: sample.body,
  })
  if (res.status >= 400) {
    console.error(`✖ ${id}: ${res.status} ${await res.text()}`)
    process.exit(1)
  }
}
interface Pooled {
  times: number[]
  statuses: Record<string, number>
  requests: number
  seconds: number
  errors: number
  timeouts: number
}
const pooled = new Map<string, Pooled>(
  kinds.map(([id]) => [
    id,
    { times: [], statuses: {}, requests: 0, seconds: 0, errors: 0, timeouts: 0 },
  ]),
)
const pooledOf = (id: string): Pooled => {
  const p = pooled.get(id)
  if (!p) throw new Error(`no figures for ${id}`)
  return p
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [id, make] of kinds) {
    const t0 = performance.now()
    const { result, times, statuses } = await run(make, DURATION / ROUNDS)
    const p = pooledOf(id)
    p.seconds += (performance.now() - t0) / 1000
    p.requests += result.requests.total
    p.errors += result.errors
    p.timeouts += result.timeouts
    for (const t of times) p.times.push(t)
    for (const [code, n] of Object.entries(statuses)) p.statuses[code] = (p.statuses[code] ?? 0) + n
  }
  console.log(`round ${round + 1}/${ROUNDS} done (load ${(os.loadavg()[0] ?? 0).toFixed(1)})`)
}
interface Row {
  id: string
  label: string
  requests: number
  rps: number
  p50: number | null
  p95: number | null
  p99: number | null
  errors: number
  timeouts: number
  non2xx: number
  statuses: Record<string, number>
}
const rows: Row[] = []
for (const [id] of kinds) {
  const p = pooledOf(id)
  const s: Pick<Row, 'p50' | 'p95' | 'p99'> = p.times.length
    ? stats(p.times)
    : { p50: null, p95: null, p99: null }
  const non2xx = Object.entries(p.statuses)
    .filter(([code]) => Number(code) >= 300)
    .reduce((a, [, n]) => a + n, 0)
  const r: Row = {
    id,
    label: LABELS[id] ?? id,
    requests: p.requests,
    rps: p.requests / p.seconds,
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    errors: p.errors,
    timeouts: p.timeouts,
    non2xx,
    statuses: p.statuses,
  }
  rows.push(r)
  console.log(
    `${r.label.padEnd(52)} ${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50} ms  p95 ${r.p95} ms  p99 ${r.p99} ms  errors ${r.errors}  timeouts ${r.timeouts}  non-2xx ${r.non2xx}`,
  )
}

// ---------- After the writes: the hash chain still verifies (in chunks, as the SPA does) -----
interface VerifyChunk {
  ok: boolean
  rows_checked: number | string
  first_bad_id: string | number | null
  last_id: string | number | null
}
let verify: {
  ok: boolean
  checked: number
  firstBadId?: string | number | null
  seconds?: number
} | null = null
if (kinds.some(([id]) => id === 'writes')) {
  const t0 = performance.now()
  let after: string | number | null = null
  let checked = 0
  let ok = true
  for (;;) {
    const res = await fetch(`${apiUrl}/rest/v1/rpc/verify_activity_log`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ p_workspace_id: ws, p_after_id: after, p_limit: VERIFY_CHUNK }),
    })
    if (!res.ok) throw new Error(`verify_activity_log: ${res.status} ${await res.text()}`)
    const [chunk] = (await res.json()) as VerifyChunk[]
    if (!chunk) throw new Error('verify_activity_log: no row')
    checked += Number(chunk.rows_checked)
    if (!chunk.ok) {
      ok = false
      verify = { ok, firstBadId: chunk.first_bad_id, checked }
      break
    }
    if (Number(chunk.rows_checked) < VERIFY_CHUNK) break
    after = chunk.last_id
  }
  verify ??= { ok, checked, seconds: (performance.now() - t0) / 1000 }
  console.log(
    `verify_activity_log after the write mix: ${verify.ok ? 'ok' : `BROKEN at ${verify.firstBadId}`}, ${verify.checked} rows checked`,
  )
}

const ceiling = rows.find((r) => r.id === 'ceiling')
console.log(
  '\n| request | req/s | p50 | p95 | p99 | errors | timeouts | non-2xx | ratio of ceiling |',
)
console.log('|---|---|---|---|---|---|---|---|---|')
for (const r of rows) {
  const ratio = ceiling && r.id !== 'writes' ? `${(r.rps / ceiling.rps).toFixed(2)}x` : '—'
  console.log(
    `| ${r.label} | ${r.rps.toFixed(1)} | ${r.p50} ms | ${r.p95} ms | ${r.p99} ms | ${r.errors} | ${r.timeouts} | ${r.non2xx} | ${ratio} |`,
  )
}
const outDir = join(root, 'bench-results')
mkdirSync(outDir, { recursive: true })
writeFileSync(
  join(outDir, `load-${SHAPE}.json`),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      shape: SHAPE,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      machine: { cpus: os.cpus().length, loadBefore, loadAfter: os.loadavg() },
      dataset: ctx.dataset,
      rows: rows.map((r) => ({ ...r, ratioOfCeiling: ceiling ? r.rps / ceiling.rps : null })),
      verify,
    },
    null,
    2,
  ),
)
await db.end()
