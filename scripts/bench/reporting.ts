#!/usr/bin/env node
// Dashboard speed at Bench Corp scale, as a customer's analyst sees it: the sample queries of
// docs/reporting.md (daily activity for 90 days, role changes this quarter, the roster, alerts),
// run over a real connection as a workspace-scoped SQL credential of Bench Corp. A benchmark,
// not a test: it prints p50/p95 per query against the goal (p95 < 500 ms) and writes
// EXPLAIN (ANALYZE, BUFFERS) of each to bench-results/reporting-explain.txt.
//
//   npm run bench:seed        (once: builds Bench Corp)
//   npm run bench:reporting   [--iterations=20]
//
// The credential is created through public.create_sql_credential() as Bench Corp's owner (the
// path the SPA takes; request.jwt.claims set in SQL so the setup does not depend on Auth) and
// revoked at the end.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { dbUrl, ports, root } from '../../local-stack/config.ts'
import { argValue, fmtMs, measure, type Stats } from './lib.ts'

const GOAL_MS = 500
const iterations = Number(argValue(process.argv, 'iterations') ?? 20)

// The dashboard queries, exactly as docs/reporting.md gives them (section "Dashboard queries").
const QUERIES: Record<string, string> = {
  'daily activity, 90 days': `
select day, split_part(action, '.', 1) as action_group, sum(events) as events, sum(actors) as actors
  from daily_activity_counts
 where day >= current_date - 90
 group by 1, 2
 order by 1, 2`,
  'role changes this quarter': `
select occurred_at, actor_email, member_email, old_role, new_role, action
  from role_changes
 where occurred_at >= date_trunc('quarter', now())
 order by occurred_at desc`,
  'roster (access review)': `
select email, full_name, role, status, last_seen_at, days_idle
  from member_roster
 order by days_idle desc, email`,
  'alerts, last 7 days': `
select kind, actor_email, window_start, window_end, event_count
  from alerts
 where window_start > now() - interval '7 days'
 order by window_start desc`,
}

const admin = new pg.Client({ connectionString: dbUrl })
await admin.connect()
const { rows: found } = await admin.query<{
  id: string
  user_id: string
  email: string
  activity: number
}>(
  `select w.id, m.user_id, u.email, (select count(*) from public.activity_log a where a.workspace_id = w.id)::int as activity
     from public.workspaces w
     join public.memberships m on m.workspace_id = w.id and m.role = 'owner'
     join auth.users u on u.id = m.user_id
    where w.id = md5('fluxera-bench:ws:0')::uuid`,
)
const bench = found[0]
if (!bench) {
  console.error('✖ Bench Corp is not in this database: run `npm run bench:seed` first.')
  process.exit(1)
}

const asOwner = async <T extends pg.QueryResultRow>(
  text: string,
  values: unknown[],
): Promise<T[]> => {
  await admin.query('begin')
  try {
    await admin.query(
      `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [
        JSON.stringify({
          sub: bench.user_id,
          role: 'authenticated',
          email: bench.email,
          aal: 'aal2',
        }),
      ],
    )
    const { rows } = await admin.query<T>(text, values)
    await admin.query('commit')
    return rows
  } catch (err) {
    await admin.query('rollback')
    throw err
  }
}

const [cred] = await asOwner<{ id: string; role_name: string; password: string }>(
  `select * from public.create_sql_credential($1, $2, now() + interval '1 hour')`,
  [bench.id, `bench ${new Date().toISOString()}`],
)
// --jit=off: the credential gets `jit = off` as a role setting (what create_sql_credential()
// should set: JIT compilation cost 1.3 s of the alerts query's 1.9 s at Bench Corp scale).
if (!cred) throw new Error('create_sql_credential returned no row')
const jitOff = process.argv.includes('--jit=off')
if (jitOff) await admin.query(`alter role ${pg.escapeIdentifier(cred.role_name)} set jit = off`)
const analyst = new pg.Client({
  host: '127.0.0.1',
  port: ports.db,
  database: 'postgres',
  user: cred.role_name,
  password: cred.password,
})
const results: Record<string, Stats & { rows: number; goalMs: number; ok: boolean }> = {}
const explains: string[] = []
try {
  await analyst.connect()
  console.log(
    `Bench Corp: ${bench.activity.toLocaleString('en')} activity rows; scoped credential ${cred.role_name}${jitOff ? ' (jit = off)' : ''}; ${iterations} runs per query after warm-up; load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n`,
  )
  const { rows: foreign } = await analyst.query<{ n: string }>(
    `select (select count(*) from activity where workspace_id <> $1)
          + (select count(*) from member_roster where workspace_id <> $1)
          + (select count(*) from role_changes where workspace_id <> $1) as n`,
    [bench.id],
  )
  console.log(`rows of another workspace visible: ${foreign[0]?.n}\n`)

  for (const [name, text] of Object.entries(QUERIES)) {
    let rowCount = 0
    const s = await measure(
      async () => {
        rowCount = (await analyst.query(text)).rowCount ?? 0
      },
      { warmup: 3, iterations, slowMs: 2000, slowIterations: 10 },
    )
    results[name] = { ...s, rows: rowCount, goalMs: GOAL_MS, ok: s.p95 < GOAL_MS }
    console.log(
      `${name.padEnd(28)} p50 ${fmtMs(s.p50).padStart(6)} ms   p95 ${fmtMs(s.p95).padStart(6)} ms   ${String(rowCount).padStart(6)} rows   ${s.p95 < GOAL_MS ? 'ok' : `over ${GOAL_MS} ms`}`,
    )
    const plan = await analyst.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`)
    explains.push(
      `==== ${name} ====\n${text.trim()}\n\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
    )
  }
} finally {
  await analyst.end().catch(() => {})
  await asOwner(`select public.revoke_sql_credential($1)`, [cred.id]).catch((err) =>
    console.error(`✖ could not revoke ${cred.role_name}: ${(err as Error).message}`),
  )
  await admin.end()
}

const out = join(root, 'bench-results')
mkdirSync(out, { recursive: true })
writeFileSync(
  join(out, 'reporting-explain.txt'),
  `Reporting queries as a scoped credential of Bench Corp, ${new Date().toISOString()}\n\n${explains.join('\n')}`,
)
writeFileSync(
  join(out, 'reporting.json'),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      load: os.loadavg(),
      jitOff,
      activityRows: bench.activity,
      results,
    },
    null,
    2,
  ),
)
console.log(`\nplans: bench-results/reporting-explain.txt, figures: bench-results/reporting.json`)
