#!/usr/bin/env node
// Single-user timings of every request the Users and Activity pages send, as src/api/members.ts
// and src/api/activity.ts send them now, through supabase-js as the Bench Corp admin (RLS on),
// one request at a time; plus the benchmark-stage check that every one of the 50,000 assets is
// reachable through the Assets page's own paging (src/api/assets.ts: order asset_tag, id).
//
//   node scripts/bench/pages.ts                  (about 5 minutes on 2 cores)
//   node scripts/bench/pages.ts --quick          30 iterations
//   node scripts/bench/pages.ts --only=users|activity|assets
//
// Writes bench-results/pages.json. Goals (issue 11): Users p95 < 15 ms, Activity p95 < 20 ms.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { dbUrl as stackDbUrl, root } from '../../local-stack/config.ts'
import { requireBenchCorp } from './context.ts'
import {
  ACTIVITY_COLUMNS,
  SEARCHES,
  accessToken,
  argValue,
  fmtMs,
  liveSession,
  measure,
  oneRow,
  rotate,
  throwIfError,
  userClient,
  type ApiResponse,
  type Stats,
  type TimeCursor,
} from './lib.ts'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = argValue(args, 'only')
const ITER = Number(process.env.BENCH_ITERATIONS ?? (quick ? 30 : 100))
const WARMUP = Number(process.env.BENCH_WARMUP ?? (quick ? 5 : 10))
const dbUrl = process.env.BENCH_DB_URL ?? stackDbUrl
// The Users page's default page size (src/stores/members.ts: rows 20), as the SPA sends it.
const PAGE = 20

const db = new pg.Client({ connectionString: dbUrl, application_name: 'fluxera-bench-pages' })
await db.connect()
const ctx = await requireBenchCorp(db)
const ws = ctx.workspaceId
const admin = userClient(
  await accessToken(ctx.admin, { sessionId: await liveSession(db, ctx.admin) }),
)
const SEARCH = rotate(SEARCHES.map(([, term]) => term))

// ---------- Users page: member_directory_page / member_directory_count (src/api/members.ts) ---
/** One request of a page: a supabase-js call for iteration i. */
type Run = (i: number) => PromiseLike<ApiResponse<unknown>>
/** id, label, request */
type Case = [id: string, label: string, run: Run]
type Params = Record<string, unknown>
const paramsAt = (over: Params | ((i: number) => Params), i: number): Params =>
  typeof over === 'function' ? over(i) : over

const page =
  (over: Params | ((i: number) => Params)): Run =>
  (i) =>
    admin.rpc('member_directory_page', {
      p_workspace_id: ws,
      p_sort: 'last_active_at',
      p_descending: true,
      p_offset: 0,
      p_limit: PAGE,
      ...paramsAt(over, i),
    })
const count =
  (over: Params | ((i: number) => Params)): Run =>
  (i) =>
    admin.rpc('member_directory_count', {
      p_workspace_id: ws,
      ...paramsAt(over, i),
    })
const SORTS = ['last_active_at', 'full_name', 'email', 'role', 'effective_status', 'created_at']
// The floor of any request on this machine right now: the trivial RLS select.
const ceiling: Case[] = [
  [
    'ceiling',
    'trivial RLS select (workspaces?id=eq.…), for reference',
    () => admin.from('workspaces').select('id').eq('id', ws),
  ],
]
const users: Case[] = [
  ['users.first', 'first page, default order (last active, newest first)', page({})],
  ['users.count', 'count (once per filter change)', count({})],
  ...SORTS.flatMap((f): Case[] => [
    [`users.sort.${f}.asc`, `sort ${f} ascending`, page({ p_sort: f, p_descending: false })],
    [`users.sort.${f}.desc`, `sort ${f} descending`, page({ p_sort: f, p_descending: true })],
  ]),
  ['users.role', 'role = member', page({ p_role: 'member' })],
  ['users.status', 'status = active (effective)', page({ p_status: 'active' })],
  ['users.suspended', 'status = suspended (effective)', page({ p_status: 'suspended' })],
  [
    'users.role_status',
    'role = viewer + status = active',
    page({ p_role: 'viewer', p_status: 'active' }),
  ],
  // Every search term on its own, in the default order and in each sortable order (issue 26).
  ...SEARCHES.flatMap(([id, term, label]): Case[] =>
    SORTS.map((f): Case => [
      `users.search.${id}.${f}`,
      `search "${term}" (${label}), ${f === 'last_active_at' ? 'default order' : `by ${f}`}`,
      page({ p_search: term, p_sort: f, p_descending: f === 'last_active_at' }),
    ]),
  ),
  [
    'users.search_filters',
    'search + role + status',
    page((i) => ({ p_search: SEARCH(i), p_role: 'member', p_status: 'active' })),
  ],
  [
    'users.search_name_sort',
    'search, sorted by name',
    page((i) => ({ p_search: SEARCH(i), p_sort: 'full_name', p_descending: false })),
  ],
  ['users.deep', 'deep page (offset 4,950), default order', page({ p_offset: 4950 })],
  [
    'users.deep_name',
    'deep page (offset 4,950), by name',
    page({ p_offset: 4950, p_sort: 'full_name', p_descending: false }),
  ],
  ['users.last', 'near the end (offset 9,950), default order', page({ p_offset: 9950 })],
  ['users.count_filters', 'count, role + status', count({ p_role: 'member', p_status: 'active' })],
  ['users.count_search', 'count, search', count((i) => ({ p_search: SEARCH(i) }))],
  [
    'users.lookup',
    'names of 25 user ids (Assets/Licences pages)',
    (i) => {
      const ids = ctx.userIds.slice((i * 25) % 9000, ((i * 25) % 9000) + 25)
      return admin.from('member_directory').select('*').eq('workspace_id', ws).in('user_id', ids)
    },
  ],
]

// ---------- Activity page (src/api/activity.ts) ----------------------------------------------
type Query = ReturnType<typeof activityQuery>
const activityQuery = () =>
  admin.from('activity_log').select(ACTIVITY_COLUMNS).eq('workspace_id', ws)
const log =
  (build?: (b: Query, i: number) => Query): Run =>
  (i) => {
    let b = activityQuery()
    b = build ? build(b, i) : b
    return b.order('occurred_at', { ascending: false }).order('id', { ascending: false }).limit(26)
  }
const after = (b: Query, cur: TimeCursor): Query =>
  b.lte('occurred_at', cur.ts).or(`occurred_at.lt."${cur.ts}",id.lt.${cur.id}`)
const capped =
  (over: Params = {}): Run =>
  () =>
    admin.rpc('activity_count', { p_workspace_id: ws, p_cap: 10000, ...over })
const people =
  (ids: string[], over: Params = {}): Run =>
  () =>
    admin.rpc('activity_of_people', {
      p_workspace_id: ws,
      p_user_ids: ids,
      p_limit: 26,
      ...over,
    })
const deep = rotate(ctx.deepTimeCursors)
const rangeDeep = rotate(ctx.rangeTimeCursors)
const activity: Case[] = [
  ['activity.first', 'first page (newest 25)', log()],
  ['activity.count', 'count (exact to 10,000, then "10,000+"), whole log', capped()],
  [
    'activity.actor_busy',
    `actor = busy admin (${ctx.actorRows} rows)`,
    log((b) => b.eq('actor_id', ctx.busyActorId)),
  ],
  [
    'activity.actor_quiet',
    `actor = quiet member (${ctx.quietActorRows} rows)`,
    log((b) => b.eq('actor_id', ctx.quietActorId)),
  ],
  [
    'activity.actor_lookup',
    'actor box: directory lookup of the typed name/email',
    (i) =>
      admin.rpc('member_directory_page', {
        p_workspace_id: ws,
        p_sort: 'full_name',
        p_search: SEARCH(i),
        p_offset: 0,
        p_limit: 50,
      }),
  ],
  [
    'activity.actor_many',
    'actor box matched 50 members (RPC, merged ranges)',
    people(ctx.manyActorIds),
  ],
  [
    'activity.actor_email',
    'actor = exact email of a former member',
    log((b) => b.eq('actor_email', 'gone@bench.fluxera.test')),
  ],
  [
    'activity.action',
    'action = member.role_changed',
    log((b) => b.eq('action', 'member.role_changed')),
  ],
  ['activity.entity', 'entity = license', log((b) => b.eq('entity_type', 'license'))],
  [
    'activity.range',
    '30-day range one year ago',
    log((b) => b.gte('occurred_at', ctx.rangeFrom).lt('occurred_at', ctx.rangeTo)),
  ],
  [
    'activity.range_deep',
    '30-day range, a page deep inside it (keyset)',
    log((b, i) =>
      after(b.gte('occurred_at', ctx.rangeFrom).lt('occurred_at', ctx.rangeTo), rangeDeep(i)),
    ),
  ],
  [
    'activity.actor_range',
    'busy actor + 30 days a year back',
    log((b) =>
      b
        .eq('actor_id', ctx.busyActorId)
        .gte('occurred_at', ctx.rangeFrom)
        .lt('occurred_at', ctx.rangeTo),
    ),
  ],
  [
    'activity.combo',
    'actor + action + last 90 days',
    log((b) =>
      b
        .eq('actor_id', ctx.busyActorId)
        .eq('action', 'asset.updated')
        .gte('occurred_at', ctx.comboFrom),
    ),
  ],
  [
    'activity.member',
    "one member's history (done by or to; RPC)",
    people([ctx.busyActorId], { p_include_subject: true }),
  ],
  [
    'activity.member_quiet',
    "a quiet member's history (RPC)",
    people([ctx.quietActorId], { p_include_subject: true }),
  ],
  ['activity.deep', 'deep page, keyset (~row 500,000)', log((b, i) => after(b, deep(i)))],
  [
    'activity.count_range',
    'count (capped), 30-day range',
    capped({ p_from: ctx.rangeFrom, p_to: ctx.rangeTo }),
  ],
  ['activity.count_actor', 'count (capped), busy actor', capped({ p_user_ids: [ctx.busyActorId] })],
  [
    'activity.count_quiet',
    'count (capped), quiet member',
    capped({ p_user_ids: [ctx.quietActorId] }),
  ],
]

const GOALS = { ceiling: 15, users: 15, activity: 20 }
interface PageRead extends Stats {
  id: string
  group: string
  label: string
  goalMs: number
  rows: unknown
  pass: boolean
}
const results: {
  date: string
  machine: { cpus: number; loadAvgAtStart: number[] }
  iterations: number
  warmup: number
  reads: PageRead[]
  assets: {
    assets: number
    counted: number | null
    lastTag: string
    lastPageFirst: number
    lastPageMs: number
    reachable: boolean
  } | null
} = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, loadAvgAtStart: os.loadavg() },
  iterations: ITER,
  warmup: WARMUP,
  reads: [],
  assets: null,
}
console.log(
  `Bench Corp: ${ctx.dataset.members} members, ${ctx.dataset.activity} activity rows; ${ITER} iterations after ${WARMUP} warm-up runs; load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
)
const groups: [group: keyof typeof GOALS, cases: Case[]][] = [
  ['ceiling', ceiling],
  ['users', users],
  ['activity', activity],
]
for (const [group, cases] of groups) {
  if (only && only !== group && group !== 'ceiling') continue
  for (const [id, label, run] of cases) {
    let rows: unknown = null
    const s = await measure(
      async (i) => {
        const { data, count } = await throwIfError(run(i))
        if (rows === null) rows = Array.isArray(data) ? data.length : (count ?? data)
      },
      { warmup: WARMUP, iterations: ITER },
    )
    const goal = GOALS[group]
    results.reads.push({ id, group, label, goalMs: goal, rows, ...s, pass: s.p95 < goal })
    console.log(
      `${group.padEnd(8)} ${label.padEnd(56)} p50 ${fmtMs(s.p50).padStart(6)}  p95 ${fmtMs(s.p95).padStart(6)} ms  ${s.p95 < goal ? 'ok' : `MISS (${goal})`}  rows ${rows}`,
    )
  }
}

// ---------- Assets: all 50,000 reachable through the page's own paging ----------------------
if (!only || only === 'assets') {
  const { n, last_tag: lastTag } = await oneRow<{ n: number; last_tag: string }>(
    db,
    `select count(*)::int as n, max(asset_tag) as last_tag from public.assets where workspace_id = $1`,
    [ws],
  )
  const { count } = await throwIfError(
    admin.from('assets').select('*', { count: 'exact' }).eq('workspace_id', ws).limit(0),
  )
  const lastPage = Math.floor((n - 1) / 25) * 25
  const t0 = performance.now()
  const { data } = await throwIfError<{ asset_tag: string }[]>(
    admin
      .from('assets')
      .select('*')
      .eq('workspace_id', ws)
      .order('asset_tag', { ascending: true })
      .order('id', { ascending: true })
      .range(lastPage, lastPage + 24),
  )
  const ms = performance.now() - t0
  const reachable = count === n && data?.at(-1)?.asset_tag === lastTag
  results.assets = {
    assets: n,
    counted: count,
    lastTag,
    lastPageFirst: lastPage,
    lastPageMs: ms,
    reachable,
  }
  console.log(
    `assets   the ${n.toLocaleString()}th asset (${lastTag}) on the last page (offset ${lastPage}): ${reachable ? 'reachable' : 'NOT REACHABLE'}; count ${count}; ${ms.toFixed(1)} ms`,
  )
  if (!reachable) process.exitCode = 1
}

const outDir = join(root, 'bench-results')
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, 'pages.json'), JSON.stringify(results, null, 2))
await db.end()
