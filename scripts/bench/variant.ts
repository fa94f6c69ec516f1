#!/usr/bin/env node
// Before/after figures for a proposed schema change (indexes, policies), without keeping it:
//
//   node scripts/bench/variant.ts scripts/bench/variants/<name>.sql [--only=members,activity,proposal] [--iterations=40]
//
// Runs every read of the benchmark as SQL (the floor: role authenticated with the bench
// admin's claims, as PostgREST would) in one transaction without the change, then in a second
// transaction that applies the SQL file first. Both are rolled back, so the database is left
// as it was. The plans' scan nodes after the change are printed with the figures.
//
// The change runs inside the transaction, so the tables it touches are locked against writes
// (CREATE INDEX) or reads (ALTER POLICY) until it ends: run it against a private copy of the
// database (BENCH_DB_URL) rather than a stack others are testing against.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { basename, join } from 'node:path'
import pg from 'pg'
import { root, dbUrl as stackDbUrl } from '../../local-stack/config.ts'
import { readCases } from './cases.ts'
import { requireBenchCorp } from './context.ts'
import {
  accessToken,
  argValue,
  claimsOf,
  fmtMs,
  fmtRatio,
  liveSession,
  resolve,
  runRead,
  sqlRead,
  stats,
  type SqlRead,
  type Stats,
} from './lib.ts'

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--'))
if (!file) {
  console.error(
    'usage: node scripts/bench/variant.ts <change.sql> [--only=members,activity,proposal] [--iterations=N]',
  )
  process.exit(2)
}
const only = argValue(args, 'only')?.split(',')
const iterations = Number(argValue(args, 'iterations') ?? 40)
const rounds = Number(argValue(args, 'rounds') ?? 3)
const warmup = 5
const dbUrl = process.env.BENCH_DB_URL ?? stackDbUrl
const change = readFileSync(file, 'utf8')

const db = new pg.Client({ connectionString: dbUrl, application_name: 'fluxera-bench-variant' })
await db.connect()
const ctx = await requireBenchCorp(db)
const claims = claimsOf(
  await accessToken(ctx.admin, { sessionId: await liveSession(db, ctx.admin) }),
)
/** A statement measured before and after the change. */
interface VariantCase {
  id: string
  group: string
  label: string
  sql: (i: number) => Pick<SqlRead, 'text' | 'params'> & Partial<SqlRead>
}
// Reads of the benchmark, plus the RPC and the asset update (in these rolled-back transactions).
const extra: VariantCase[] = [
  {
    id: 'rpc.my_permissions',
    group: 'rpc',
    label: 'rpc my_permissions',
    sql: () => ({
      text: "select coalesce(json_agg(t), '[]') from public.my_permissions($1) t",
      params: [ctx.workspaceId],
    }),
  },
  {
    id: 'write.asset_patch',
    group: 'write',
    label: 'PATCH one asset (with its activity row)',
    sql: (i) => ({
      text: 'with u as (update public.assets set notes = $1 where id = $2 returning *) select json_agg(u) from u',
      params: [`variant ${i}`, ctx.assetIds[i % ctx.assetIds.length]],
    }),
  },
]
const cases: VariantCase[] = [
  ...readCases(ctx).map((c) => ({ ...c, sql: (i: number) => sqlRead(resolve(c.read, i)) })),
  ...extra,
].filter((c) => !only || only.some((o) => c.group.startsWith(o) || c.id.startsWith(o)))

// Rounds alternate without/with the change, so that load from other work on the machine falls on
// both sides alike; each round is its own transaction (the change is applied again each time).
interface Entry {
  samples: number[]
  scans: string[]
}
interface Pass {
  applyMs?: number
  entries: Record<string, Entry>
}
async function pass(withChange: boolean, n: number, out: Pass): Promise<void> {
  await db.query('begin')
  try {
    if (withChange) {
      const t0 = performance.now()
      await db.query(change)
      out.applyMs = performance.now() - t0
    }
    await db.query(
      `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [claims],
    )
    for (const c of cases) {
      const entry = (out.entries[c.id] ??= { samples: [], scans: [] })
      for (let i = 0; i < warmup + n; i++) {
        const s = c.sql(i)
        const t0 = performance.now()
        await runRead(db, s)
        const ms = performance.now() - t0
        if (i >= warmup || ms > 500) entry.samples.push(ms)
        if (ms > 500) break // slow: one sample per round is enough to see it
      }
      const s0 = c.sql(0)
      const plan = (
        await db.query<{ 'QUERY PLAN': string }>(`explain ${s0.explain ?? s0.text}`, s0.params)
      ).rows.map((r) => r['QUERY PLAN'])
      entry.scans = plan
        .filter((l) => /Scan|Sort/.test(l))
        .map((l) => l.trim().replace(/\s+\(cost.*$/, ''))
    }
  } finally {
    await db.query('rollback')
  }
}

console.log(
  `variant ${basename(file)}: ${cases.length} reads, ${iterations} iterations each, as ${ctx.admin.email} (SQL, role authenticated)`,
)
const before: Pass = { entries: {} }
const after: Pass = { entries: {} }
const perRound = Math.max(1, Math.round(iterations / rounds))
for (let r = 0; r < rounds; r++) {
  await pass(false, perRound, before)
  await pass(true, perRound, after)
}
const summary = (e: Entry | undefined): Stats & { scans: string[] } => ({
  ...stats(e?.samples ?? []),
  scans: e?.scans ?? [],
})
console.log(
  `change applied in ${((after.applyMs ?? NaN) / 1000).toFixed(1)} s each round, ${rounds} rounds (all rolled back)\n`,
)
const rows = cases.map((c) => {
  const b = summary(before.entries[c.id])
  const a = summary(after.entries[c.id])
  return { id: c.id, label: c.label, before: b, after: a, speedup: b.p50 / a.p50 }
})
const w = Math.max(...rows.map((r) => r.label.length))
console.log(`${'read'.padEnd(w)}  before p50/p95   after p50/p95   speed-up  plan after`)
for (const r of rows) {
  console.log(
    `${r.label.padEnd(w)}  ${`${fmtMs(r.before.p50)}/${fmtMs(r.before.p95)}`.padStart(14)}  ${`${fmtMs(r.after.p50)}/${fmtMs(r.after.p95)}`.padStart(14)}` +
      `  ${fmtRatio(r.speedup).padStart(8)}  ${r.after.scans
        .filter((l) => !/Result|ProjectSet/.test(l))
        .slice(0, 3)
        .join(' | ')}`,
  )
}
mkdirSync(join(root, 'bench-results'), { recursive: true })
const outFile = join(root, 'bench-results', `variant-${basename(file, '.sql')}.json`)
writeFileSync(
  outFile,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      change: file,
      iterations,
      rounds,
      loadAvg: os.loadavg(),
      rows,
    },
    null,
    2,
  ) + '\n',
)
console.log(`\nwrote ${outFile.slice(root.length + 1)}`)
await db.end()
