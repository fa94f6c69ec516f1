#!/usr/bin/env node
// Performance bench of the big workspace ("Bench Corp", built by `npm run bench:seed`):
// Users page, Activity page at 1M rows, my_permissions, an asset update, a 100k-row CSV export,
// the cost of RLS and of the activity trigger, the SQL floor under the API, EXPLAIN plans and
// the app's initial JavaScript. Prints a table and writes bench-results/bench.json and
// bench-results/explain.txt. See docs/benchmarks.md. One module per measurement in measure/.
//
//   npm run bench                      everything (about 15 minutes on 2 cores)
//   npm run bench -- --quick           fewer iterations, for a smoke run
//   npm run bench -- --only=members,activity,spa,rpc,write,export,trigger,verify,explain,js
//
// Environment: BENCH_ITERATIONS (default 150), BENCH_WARMUP (20), BENCH_EXPORT_ROWS (100000),
// BENCH_EXPORT_CHUNK (5000), BENCH_DB_URL, BENCH_API_URL (default: the local stack).
//
// Supabase Auth cannot run on this machine, so the admin's access token is minted with the
// project's JWT secret (claims shaped like Auth's); PostgREST and Postgres enforce it as they
// would a real session.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { anonKey, dbUrl as stackDbUrl, root, serviceRoleKey } from '../../local-stack/config.ts'
import { requireBenchCorp } from './context.ts'
import {
  accessToken,
  apiUrl,
  argValue,
  claimsOf,
  liveSession,
  supabaseClient,
  userClient,
  type Db,
} from './lib.ts'
import { activity } from './measure/activity.ts'
import { explain } from './measure/explain.ts'
import { exportRows } from './measure/export.ts'
import { evaluateGoals, printSummary } from './measure/goals.ts'
import { js } from './measure/js.ts'
import { members } from './measure/members.ts'
import { rpc } from './measure/rpc.ts'
import type { BenchResults, Session, Settings } from './measure/session.ts'
import { spa } from './measure/spa.ts'
import { trigger } from './measure/trigger.ts'
import { verify } from './measure/verify.ts'
import { write } from './measure/write.ts'

/** The measurements, in the order they run; each is a part of --only. */
const MEASUREMENTS: [part: string, run: (s: Session) => Promise<void>][] = [
  ['members', members],
  ['activity', activity],
  ['spa', spa],
  ['rpc', rpc],
  ['write', write],
  ['export', exportRows],
  ['trigger', trigger],
  ['verify', verify],
  ['explain', explain],
  ['js', js],
]

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyArg = argValue(args, 'only')
const only = onlyArg !== undefined ? new Set(onlyArg.split(',')) : null
const wants = (part: string): boolean => !only || only.has(part)
const dbUrl = process.env.BENCH_DB_URL ?? stackDbUrl
const settings: Settings = {
  iterations: Number(process.env.BENCH_ITERATIONS ?? (quick ? 30 : 150)),
  warmup: Number(process.env.BENCH_WARMUP ?? (quick ? 5 : 20)),
  exportRows: Number(process.env.BENCH_EXPORT_ROWS ?? 100000),
  exportChunk: Number(process.env.BENCH_EXPORT_CHUNK ?? 5000),
  apiUrl,
  quick,
}
const outDir = join(root, 'bench-results')

const log = (...xs: unknown[]): void => console.log(...xs)
const loadAvg = (): number[] => os.loadavg().map((x) => Number(x.toFixed(2)))
const results: BenchResults = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAvgAtStart: loadAvg(),
  },
  auth: "The admin token is minted with the project JWT secret (claims shaped like Auth's, with a live session row), so the figures are PostgREST and Postgres, not Auth's sign-in (npm run bench:auth measures that).",
  settings,
  reads: [],
  rpc: [],
  writes: [],
  export: null,
  trigger: null,
  verify: null,
  explain: { seqScans: [], file: 'bench-results/explain.txt' },
  js: null,
  goals: [],
}

// ---------- Pre-flight -------------------------------------------------------------------------
const db = new pg.Client({ connectionString: dbUrl, application_name: 'fluxera-bench' })
try {
  await db.connect()
} catch (err) {
  console.error(
    `✖ Postgres is not reachable (${(err as Error).message}). Start the stack: npm run stack:start`,
  )
  process.exit(1)
}
db.on('error', (err) => {
  console.error(`✖ lost the database connection (${err.message}): was the stack stopped or reset?`)
  process.exit(1)
})
const ctx = await requireBenchCorp(db)
const apiOk = await fetch(`${apiUrl}/rest/v1/`, { headers: { apikey: anonKey } }).then(
  (r) => r.status < 500,
  () => false,
)
if (!apiOk) {
  console.error(
    `✖ the API at ${apiUrl}/rest/v1 is not answering. Start the stack: npm run stack:start`,
  )
  process.exit(1)
}
await waitForQuietMachine(db)
results.machine.postgres = (await db.query<{ server_version: string }>('show server_version'))
  .rows[0]?.server_version
results.machine.postgrest = await fetch(`${apiUrl}/rest/v1/`, {
  headers: { apikey: anonKey },
}).then(
  (r) => r.headers.get('server') ?? 'unknown',
  () => 'unknown',
)
results.dataset = ctx.dataset
results.migrations = await db
  .query<{ version: string }>(
    'select version from supabase_migrations.schema_migrations order by version',
  )
  .then(
    (r) => r.rows.map((x) => x.version),
    () => null, // a database not built by the Supabase CLI
  )

const token = await accessToken(ctx.admin, { sessionId: await liveSession(db, ctx.admin) })
const session: Session = {
  settings,
  opts: { warmup: settings.warmup, iterations: settings.iterations },
  dbUrl,
  db,
  ctx,
  token,
  claims: claimsOf(token),
  serviceClaims: JSON.stringify({ role: 'service_role', iss: 'supabase-demo' }),
  admin: userClient(token),
  service: supabaseClient(serviceRoleKey),
  wants,
  results,
  log,
}
log(
  `Bench Corp: ${ctx.dataset.members} members, ${ctx.dataset.activity} activity rows, ${ctx.dataset.assets} assets; ` +
    `acting as ${ctx.admin.email} (admin; token minted locally, see docs/benchmarks.md)`,
)
log(
  `${settings.iterations} iterations after ${settings.warmup} warm-up runs per query (20 for queries slower than 250 ms); one request at a time.\n`,
)

// ---------- The measurements, then goals, table, files ----------------------------------------
mkdirSync(outDir, { recursive: true })
for (const [part, run] of MEASUREMENTS) if (wants(part)) await run(session)

results.machine.loadAvgAtEnd = loadAvg()
evaluateGoals(session)
printSummary(session)
writeFileSync(join(outDir, 'bench.json'), JSON.stringify(results, null, 2) + '\n')
log(`\nwrote bench-results/bench.json${wants('explain') ? ' and bench-results/explain.txt' : ''}`)
await db.end()

// =============================================================================================
async function waitForQuietMachine(db: Db): Promise<void> {
  // Two cores are shared with other work: wait (up to 3 minutes) for the load to drop.
  const limit = os.cpus().length * 0.75
  const load1 = (): number => os.loadavg()[0] ?? 0
  for (let waited = 0; load1() > limit && waited < 180; waited += 15) {
    if (waited === 0)
      log(`load average ${load1().toFixed(2)} > ${limit}: waiting for other work to finish...`)
    await new Promise((r) => setTimeout(r, 15000))
  }
  const busy = await db.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'`,
  )
  results.machine.loadAvgBeforeRun = loadAvg()
  results.machine.otherActiveQueriesAtStart = busy.rows[0]?.n
  if (load1() > limit) log(`(!) load average still ${load1().toFixed(2)}: figures may be noisy`)
}
