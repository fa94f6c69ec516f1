#!/usr/bin/env node
// What writing one activity row costs at the log's current size: the hash-chain trigger's
// work, per row, for a busy workspace (Bench Corp), a small one whose rows are spread thinly
// through the log, and one that has no row yet. Every write is rolled back, so the bench data
// and its chain stay as they are.
//
//   node scripts/bench/chain.ts                 single-row writes (own transaction each) and a
//                                               bulk inserts of 500 (a bulk action's cap) and
//                                               20,000 rows through the trigger
//   node scripts/bench/chain.ts --rows=500 --bulk=500,20000
//
// For each case: p50/p95 of one insert (a round trip of `insert into activity_log`, as the
// table owner, the way private.log_activity() and the change triggers insert), and how many
// times the trigger scanned activity_log and how many of its rows or index entries it read
// (pg_stat_xact_user_tables: plan-independent evidence of per-row work that grows with the
// log). Writes bench-results/chain.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { dbUrl as stackDbUrl, root } from '../../local-stack/config.ts'

const args = process.argv.slice(2)
const arg = (name: string, fallback: number): number => {
  const a = args.find((x) => x.startsWith(`--${name}=`))
  return a ? Number(a.slice(name.length + 3)) : fallback
}
const ROWS = arg('rows', 300)
const BULK_SIZES = (args.find((x) => x.startsWith('--bulk='))?.slice(7) ?? '500,20000')
  .split(',')
  .map(Number)
const dbUrl = process.env.BENCH_DB_URL ?? stackDbUrl

interface Reads {
  scans: number
  tuples: number
}
interface CaseResult {
  case: string
  workspace_rows: number
  p50_ms: number
  p95_ms: number
  scans_per_row: number
  tuples_read_per_row: number
}

const db = new pg.Client({ connectionString: dbUrl, application_name: 'fluxera-bench-chain' })
await db.connect()

const total = Number(
  (
    await db.query<{ n: string }>(
      `select reltuples::bigint as n from pg_class where oid = 'public.activity_log'::regclass`,
    )
  ).rows[0]?.n ?? 0,
)
const hasHeads =
  (
    await db.query<{ t: string | null }>(
      `select to_regclass('private.activity_chain_heads')::text as t`,
    )
  ).rows[0]?.t != null
const workspaces: Array<[string, string]> = [
  ['Bench Corp (busy)', `md5('fluxera-bench:ws:0')::uuid`],
  ['Bench Small 1 (rows spread through the log)', `md5('fluxera-bench:ws:1')::uuid`],
  ['a workspace with no row yet', `md5('fluxera-bench:ws:none')::uuid`],
]

async function reads(): Promise<Reads> {
  const { rows } = await db.query<{ scans: string; tuples: string }>(
    `select seq_scan + coalesce(idx_scan, 0) as scans, seq_tup_read as tuples
       from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass`,
  )
  return { scans: Number(rows[0]?.scans ?? 0), tuples: Number(rows[0]?.tuples ?? 0) }
}
// Index entries read (index and bitmap scans), per index, in this transaction.
async function indexEntries(): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select coalesce(sum(pg_stat_get_xact_tuples_returned(i.indexrelid)), 0) as n
       from pg_index i where i.indrelid = 'public.activity_log'::regclass`,
  )
  return Number(rows[0]?.n ?? 0)
}

const insertOne = (ws: string) =>
  `insert into public.activity_log (workspace_id, action, entity_type, entity_id, after, hash)
   values (${ws}, 'asset.updated', 'asset', md5(random()::text), '{"notes": "bench"}', ''::bytea)`

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? NaN
}

const results: CaseResult[] = []
for (const [label, ws] of workspaces) {
  const count = Number(
    (
      await db.query<{ n: string }>(
        `select count(*) as n from public.activity_log where workspace_id = ${ws}`,
      )
    ).rows[0]?.n ?? 0,
  )
  const times: number[] = []
  let scans = 0
  let tuples = 0
  for (let i = 0; i < ROWS + 10; i++) {
    await db.query('begin')
    const r0 = await reads()
    const e0 = await indexEntries()
    const t0 = performance.now()
    await db.query(insertOne(ws))
    const ms = performance.now() - t0
    const r1 = await reads()
    const e1 = await indexEntries()
    await db.query('rollback')
    if (i < 10) continue // warm-up
    times.push(ms)
    scans += r1.scans - r0.scans
    tuples += r1.tuples - r0.tuples + (e1 - e0)
  }
  times.sort((a, b) => a - b)
  results.push({
    case: `one row, own transaction: ${label}`,
    workspace_rows: count,
    p50_ms: pct(times, 50),
    p95_ms: pct(times, 95),
    scans_per_row: scans / ROWS,
    tuples_read_per_row: tuples / ROWS,
  })
}

// Bulk: one statement through the trigger, like a bulk action or the old seed.
const bulk: Array<{
  case: string
  rows: number
  seconds: number
  rows_per_s: number
  scans: number
  tuples_read: number
}> = []
const busy = workspaces[0] ?? ['', '']
for (const BULK of BULK_SIZES) {
  const [label, ws] = busy
  await db.query('begin')
  await db.query(`set local statement_timeout = '10min'`)
  const r0 = await reads()
  const e0 = await indexEntries()
  const t0 = performance.now()
  await db.query(
    `insert into public.activity_log (workspace_id, action, entity_type, entity_id, hash)
     select ${ws}, 'asset.updated', 'asset', g::text, ''::bytea from generate_series(1, $1::int) g`,
    [BULK],
  )
  const seconds = (performance.now() - t0) / 1000
  const r1 = await reads()
  const e1 = await indexEntries()
  await db.query('rollback')
  bulk.push({
    case: `${BULK} rows in one statement: ${label}`,
    rows: BULK,
    seconds,
    rows_per_s: BULK / seconds,
    scans: r1.scans - r0.scans,
    tuples_read: r1.tuples - r0.tuples + (e1 - e0),
  })
}
const load = os.loadavg()
await db.end()

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
console.log(
  `activity_log ≈ ${total.toLocaleString('en')} rows; chain heads: ${hasHeads ? 'yes (private.activity_chain_heads)' : 'no (lookup in the log)'}; load ${load.map((x) => x.toFixed(1)).join(' ')}`,
)
console.log(
  '| case | rows of the workspace | p50 / p95 ms | log scans a row | log rows/entries read a row |',
)
console.log('|---|---|---|---|---|')
for (const r of results)
  console.log(
    `| ${r.case} | ${r.workspace_rows.toLocaleString('en')} | ${fmt(r.p50_ms)} / ${fmt(r.p95_ms)} | ${fmt(r.scans_per_row)} | ${fmt(r.tuples_read_per_row)} |`,
  )
for (const b of bulk)
  console.log(
    `| ${b.case} | | ${b.seconds.toFixed(1)} s, ${Math.round(b.rows_per_s).toLocaleString('en')} rows/s | ${b.scans} scans | ${b.tuples_read.toLocaleString('en')} read |`,
  )

mkdirSync(join(root, 'bench-results'), { recursive: true })
writeFileSync(
  join(root, 'bench-results', `chain${hasHeads ? '' : '-before'}.json`),
  JSON.stringify(
    { at: new Date().toISOString(), load, activity_rows: total, heads: hasHeads, results, bulk },
    null,
    2,
  ),
)
