#!/usr/bin/env node
// One measured step of docs/scaling.md: the Activity page's reads and the cost of one chained
// insert on an activity log of 10,000,000 rows, stored plain and partitioned by month.
//
//   node scripts/bench/partitions.ts [--rows=10000000] [--budget=600] [--keep]
//
// Works in a scratch database (fluxera_scaling) of the stack's Postgres, never in the app's: two
// tables shaped like public.activity_log (same columns and the page's indexes), filled with the
// same synthetic rows (90% in one big tenant, two years growing in time, power-law actors). Rows
// are added a million at a time until --rows or until --budget seconds of building have passed,
// so the size reached is reported, not assumed. Reads are SQL as prepared statements (the plans
// PostgREST gets after five runs); RLS and HTTP are not part of this step (see docs/benchmarks.md
// for what they add). Writes bench-results/partitions.json. --keep leaves the database for study.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { dbUrl as stackDbUrl, root } from '../../local-stack/config.ts'
import { argValue, oneRow, stats, type Stats } from './lib.ts'

const args = process.argv.slice(2)
const arg = (name: string, fallback: number): number => Number(argValue(args, name) ?? fallback)
const TARGET = arg('rows', 10_000_000)
const BUDGET_S = arg('budget', 600)
const CHUNK = 1_000_000
const ITER = arg('iterations', 60)
const INSERTS = arg('inserts', 2000)
const baseUrl = process.env.BENCH_DB_URL ?? stackDbUrl
const scratchUrl = baseUrl.replace(/\/[^/]*$/, '/fluxera_scaling')
const log = (...x: unknown[]): void => console.log(...x)

// --reuse: measure the tables a previous run left (with --keep, or after a crash) again.
const REUSE = args.includes('--reuse')
const admin = new pg.Client({ connectionString: baseUrl })
await admin.connect()
if (!REUSE) {
  await admin.query('drop database if exists fluxera_scaling')
  await admin.query('create database fluxera_scaling')
}
await admin.end()
const db = new pg.Client({ connectionString: scratchUrl, application_name: 'fluxera-partitions' })
await db.connect()
await db.query(`set maintenance_work_mem = '256MB'; set synchronous_commit = off`)

const BIG = '11111111-1111-4111-8111-111111111111'
let rows = 0
let genSeconds = 0
let plainIndexS = 0
let partS = 0
let buildSeconds = 0
const t0 = performance.now()
if (REUSE) {
  rows = Number((await oneRow<{ n: string }>(db, 'select count(*) n from log_plain')).n)
} else {
  // Two years of history ending now; rows spread so that later months hold more (growth).
  await db.query(
    `
  create table log_plain (
    id bigint not null,
    workspace_id uuid not null,
    occurred_at timestamptz not null,
    actor_id uuid,
    actor_email text,
    action text not null,
    entity_type text not null,
    entity_id text,
    subject_user_id uuid,
    before jsonb,
    after jsonb,
    ip inet,
    user_agent text,
    prev_hash bytea,
    hash bytea not null
  );
  create table params as select now() - interval '730 days' as t0, $1::bigint as target;
`.replaceAll('$1', String(TARGET)),
  )

  while (rows < TARGET) {
    // newest ids first, so that a run stopped by the budget holds the newest months
    const hi = TARGET - rows
    const lo = Math.max(1, hi - CHUNK + 1)
    await db.query(`
    insert into log_plain
    select g,
           case when g % 10 = 0 then ('22222222-2222-4222-8222-22222222222' || (g % 9))::uuid else '${BIG}'::uuid end,
           -- ids increase with time; a run stopped by the budget holds the newest months
           now() - (1 - sqrt(1 - (p.target - g)::float8 / p.target)) * interval '730 days',
           md5('actor' || floor(100000 * power(random(), 3)))::uuid,
           'actor' || (g % 100000) || '@bench.fluxera.test',
           (array['auth.sign_in','asset.updated','asset.assigned','license.seat_assigned','member.role_changed',
                  'auth.sign_in','asset.updated','auth.sign_in_failed','member.invited','license.updated'])[1 + g % 10],
           (array['session','asset','asset','license_seat','membership','session','asset','session','membership','license'])[1 + g % 10],
           md5(g::text),
           case when g % 10 in (4, 8) then md5('actor' || (g % 7919))::uuid end,
           jsonb_build_object('status', 'in_stock', 'notes', null),
           jsonb_build_object('status', 'assigned', 'assigned_to', md5(g::text)),
           ('10.' || (g % 250) || '.' || (g % 200) || '.7')::inet,
           'Mozilla/5.0 (X11; Linux x86_64) Fluxera bench',
           sha256(((g - 1)::text)::bytea),
           sha256((g::text)::bytea)
      from generate_series(${lo}::bigint, ${hi}::bigint) g, params p`)
    rows += hi - lo + 1
    const elapsed = (performance.now() - t0) / 1000
    log(`  ${rows.toLocaleString()} rows generated (${elapsed.toFixed(0)} s)`)
    if (elapsed > BUDGET_S * 0.45 && rows < TARGET) {
      log(
        `  build budget: stopping at ${rows.toLocaleString()} rows (asked ${TARGET.toLocaleString()})`,
      )
      break
    }
  }
  genSeconds = (performance.now() - t0) / 1000

  // The partition key must be part of a partitioned table's primary key.
  const INDEXES = (t: string): string[] => [
    t === 'log_part'
      ? `alter table ${t} add primary key (id, occurred_at)`
      : `alter table ${t} add primary key (id)`,
    `create index on ${t} (workspace_id, id desc)`,
    `create index on ${t} (workspace_id, occurred_at desc, id desc)`,
    `create index on ${t} (workspace_id, actor_id, occurred_at desc, id desc)`,
    `create index on ${t} (workspace_id, action, occurred_at desc, id desc)`,
  ]
  const timed = async (sqls: string[]): Promise<number> => {
    const s = performance.now()
    for (const q of sqls) await db.query(q)
    return (performance.now() - s) / 1000
  }
  log('indexing the plain table…')
  plainIndexS = await timed(INDEXES('log_plain'))

  // Monthly partitions over the two years, one ahead, and a default for stragglers.
  log('building the partitioned copy…')
  partS = await timed([
    `create table log_part (like log_plain) partition by range (occurred_at)`,
    `do $$
   declare m date := date_trunc('month', (select t0 from params))::date;
   begin
     while m <= (date_trunc('month', now()) + interval '1 month')::date loop
       execute format('create table %I partition of log_part for values from (%L) to (%L)',
         'log_part_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
       m := (m + interval '1 month')::date;
     end loop;
     create table log_part_default partition of log_part default;
   end $$`,
    `insert into log_part select * from log_plain`,
    ...INDEXES('log_part'),
    `analyze log_plain`,
    `analyze log_part`,
  ])
  buildSeconds = (performance.now() - t0) / 1000
}
const partitions = Number(
  (
    await oneRow<{ n: string }>(
      db,
      `select count(*) n from pg_inherits where inhparent = 'log_part'::regclass`,
    )
  ).n,
)
const size = async (t: string): Promise<number> =>
  Number(
    (
      await oneRow<{ s: string }>(
        db,
        `select coalesce(sum(pg_total_relation_size(c.oid)), pg_total_relation_size($1::regclass)) s
           from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = $1::regclass`,
        [t],
      )
    ).s,
  )
const sizes = { plain: await size('log_plain'), partitioned: await size('log_part') }
log(`built ${rows.toLocaleString()} rows in ${buildSeconds.toFixed(0)} s; ${partitions} partitions`)

// ---------- The Activity page's reads -------------------------------------------------------
const bigRows = Number(
  (
    await oneRow<{ n: string }>(db, `select count(*) n from log_plain where workspace_id = $1`, [
      BIG,
    ])
  ).n,
)
const mid = await oneRow<{ occurred_at: Date; id: string }>(
  db,
  `select occurred_at, id from log_plain where workspace_id = $1 order by occurred_at desc, id desc offset $2 limit 1`,
  [BIG, Math.floor(bigRows / 2)],
)
const busy = (
  await oneRow<{ actor_id: string }>(
    db,
    `select actor_id from log_plain where workspace_id = $1
        and occurred_at > (select max(occurred_at) from log_plain) - interval '30 days'
      group by actor_id order by count(*) desc limit 1`,
    [BIG],
  )
).actor_id
const yearAgo = new Date(Date.now() - 365 * 864e5)
const monthLater = new Date(yearAgo.getTime() + 30 * 864e5)
const cases: [id: string, label: string, where: string | null, params: unknown[]][] = [
  [
    'first',
    'first page (newest 25)',
    `where workspace_id = $1 order by occurred_at desc, id desc limit 26`,
    [BIG],
  ],
  [
    'deep',
    'keyset page in the middle of the log',
    `where workspace_id = $1 and occurred_at <= $2 and (occurred_at < $2 or id < $3) order by occurred_at desc, id desc limit 26`,
    [BIG, mid.occurred_at, mid.id],
  ],
  [
    'range',
    '30 days a year back',
    `where workspace_id = $1 and occurred_at >= $2 and occurred_at < $3 order by occurred_at desc, id desc limit 26`,
    [BIG, yearAgo, monthLater],
  ],
  [
    'actor',
    'busiest actor of the last month',
    `where workspace_id = $1 and actor_id = $2 order by occurred_at desc, id desc limit 26`,
    [BIG, busy],
  ],
  [
    'action_range',
    'action + 30 days a year back',
    `where workspace_id = $1 and action = 'member.role_changed' and occurred_at >= $2 and occurred_at < $3 order by occurred_at desc, id desc limit 26`,
    [BIG, yearAgo, monthLater],
  ],
  ['count', 'count to 10,000 ("10,000+")', null, [BIG]],
]
interface PartitionRead extends Stats {
  table: string
  id: string
  label: string
  partitionsRead: number
  plan: string
}
const results: { reads: PartitionRead[]; inserts: Record<string, Stats> } = {
  reads: [],
  inserts: {},
}
for (const table of ['log_plain', 'log_part']) {
  for (const [id, label, where, params] of cases) {
    const text =
      id === 'count'
        ? `select count(*) from (select 1 from ${table} where workspace_id = $1 limit 10001) c`
        : `select * from ${table} ${where}`
    const name = `${table}_${id}`
    const times: number[] = []
    for (let i = 0; i < ITER + 6; i++) {
      const s = performance.now()
      await db.query({ name, text, values: params })
      if (i >= 6) times.push(performance.now() - s) // after the switch to a generic plan
    }
    // the plan the prepared statement runs now (generic), with the partitions it really read
    const lit = (v: unknown): string =>
      db.escapeLiteral(v instanceof Date ? v.toISOString() : String(v))
    const plan = (
      await db.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, costs off, timing off) execute ${name}(${params.map(lit).join(', ')})`,
      )
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n')
    const partitionsRead = plan
      .split('\n')
      .filter((l) => /on log_part_\d{4}_\d{2}/.test(l) && !l.includes('never executed')).length
    results.reads.push({
      table,
      id,
      label,
      ...stats(times),
      partitionsRead,
      plan,
    })
  }
}

// ---------- One chained insert (the trigger's work: chain head lookup, sha256, all indexes) ----
for (const table of ['log_plain', 'log_part']) {
  let next = Math.max(rows, TARGET) + 1 + (table === 'log_part' ? 10 * INSERTS : 0)
  const times: number[] = []
  for (let i = 0; i < INSERTS; i++) {
    const s = performance.now()
    await db.query(
      `insert into ${table} (id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, before, after, prev_hash, hash)
       select $2::bigint, $1::uuid, now(), $3::uuid, 'load@bench.fluxera.test', 'asset.updated', 'asset', md5($2::bigint::text),
              '{"status":"in_stock"}', '{"status":"assigned"}', head.hash,
              sha256(coalesce(head.hash, ''::bytea) || convert_to($2::bigint::text, 'UTF8'))
         from (select hash from ${table} where workspace_id = $1::uuid order by occurred_at desc, id desc limit 1) head`,
      [BIG, next++, busy],
    )
    times.push((performance.now() - s) * 1000)
  }
  results.inserts[table] = stats(times)
}

// ---------- The same insert with the chain head in its own table (activity_chain_heads) ------------
// The head (last id, last hash) is one row per workspace read by primary key and locked, as
// private.chain_activity() does now: no lookup in the log, whatever its size or storage.
for (const table of ['log_plain', 'log_part']) {
  const heads = `${table}_heads`
  await db.query(`drop table if exists ${heads}`)
  await db.query(
    `create table ${heads} (workspace_id uuid primary key, last_id bigint, last_hash bytea) with (fillfactor = 20)`,
  )
  await db.query(
    `insert into ${heads} select $1::uuid, h.id, h.hash
       from (select id, hash from ${table} where workspace_id = $1::uuid order by id desc limit 1) h`,
    [BIG],
  )
  let next = Math.max(rows, TARGET) + 1 + (table === 'log_part' ? 30 : 20) * INSERTS
  const times: number[] = []
  for (let i = 0; i < INSERTS; i++) {
    const s = performance.now()
    await db.query(
      `with head as (select last_hash from ${heads} where workspace_id = $1::uuid for update),
            ins as (
              insert into ${table} (id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, before, after, prev_hash, hash)
              select $2::bigint, $1::uuid, now(), $3::uuid, 'load@bench.fluxera.test', 'asset.updated', 'asset', md5($2::bigint::text),
                     '{"status":"in_stock"}', '{"status":"assigned"}', head.last_hash,
                     sha256(coalesce(head.last_hash, ''::bytea) || convert_to($2::bigint::text, 'UTF8'))
                from head
              returning hash)
       update ${heads} set last_id = $2::bigint, last_hash = (select hash from ins) where workspace_id = $1::uuid`,
      [BIG, next++, busy],
    )
    times.push((performance.now() - s) * 1000)
  }
  results.inserts[`${table}_heads`] = stats(times)
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(2))
log(
  `\n| read (SQL, generic plan) | plain p50 / p95 ms | partitioned p50 / p95 ms | partitions read |`,
)
log('|---|---|---|---|')
for (const [id, label] of cases) {
  const a = results.reads.find((r) => r.table === 'log_plain' && r.id === id)
  const b = results.reads.find((r) => r.table === 'log_part' && r.id === id)
  if (!a || !b) continue
  log(
    `| ${label} | ${fmt(a.p50)} / ${fmt(a.p95)} | ${fmt(b.p50)} / ${fmt(b.p95)} | ${b.partitionsRead} of ${partitions} |`,
  )
}
const insertStats = (key: string): Stats => {
  const st = results.inserts[key]
  if (!st) throw new Error(`no insert figures for ${key}`)
  return st
}
const ip = insertStats('log_plain')
const iq = insertStats('log_part')
log(
  `| one chained insert (µs), head looked up in the log | ${fmt(ip.p50)} / ${fmt(ip.p95)} | ${fmt(iq.p50)} / ${fmt(iq.p95)} | |`,
)
const hp = insertStats('log_plain_heads')
const hq = insertStats('log_part_heads')
log(
  `| one chained insert (µs), head row (activity_chain_heads) | ${fmt(hp.p50)} / ${fmt(hp.p95)} | ${fmt(hq.p50)} / ${fmt(hq.p95)} | |`,
)
log(
  `\nrows ${rows.toLocaleString()} (${bigRows.toLocaleString()} in the big tenant); generated in ${genSeconds.toFixed(0)} s, built in ${buildSeconds.toFixed(0)} s (plain indexes ${plainIndexS.toFixed(0)} s, partitioned copy ${partS.toFixed(0)} s); plain ${(sizes.plain / 2 ** 30).toFixed(2)} GB, partitioned ${(sizes.partitioned / 2 ** 30).toFixed(2)} GB; load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
)

mkdirSync(join(root, 'bench-results'), { recursive: true })
writeFileSync(
  join(root, 'bench-results', 'partitions.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      askedRows: TARGET,
      rows,
      bigTenantRows: bigRows,
      partitions,
      seconds: {
        generate: genSeconds,
        plainIndexes: plainIndexS,
        partitionedCopy: partS,
        total: buildSeconds,
      },
      bytes: sizes,
      loadAvg: os.loadavg(),
      ...results,
    },
    null,
    2,
  ),
)
await db.end()
if (!args.includes('--keep')) {
  const a2 = new pg.Client({ connectionString: baseUrl })
  await a2.connect()
  await a2.query('drop database if exists fluxera_scaling')
  await a2.end()
}
