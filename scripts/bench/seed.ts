#!/usr/bin/env node
// Builds the benchmark data (scripts/bench/seed.sql) in the local stack's database.
//
//   node scripts/bench/seed.ts            build it unless "Bench Corp" is already there
//   node scripts/bench/seed.ts --force    remove the previous build and build again
//   node scripts/bench/seed.ts --scale=0.1  a smaller build (members, assets, licences, activity x 0.1)
//
// BENCH_DB_URL points it at another database (default: the stack's, postgres on :54322).
// After the build it checks the hash chain of "Bench Corp" with verify_activity_log(), as its
// owner (request.jwt.claims set in SQL, so the build does not depend on Auth).
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { dbUrl as stackDbUrl, pgBin } from '../../local-stack/config.ts'
import { argValue, oneRow } from './lib.ts'

const here = dirname(fileURLToPath(import.meta.url))
const dbUrl = process.env.BENCH_DB_URL ?? stackDbUrl
const args = process.argv.slice(2)
const force = args.includes('--force')
const scaleArg = argValue(args, 'scale')
const scale = scaleArg !== undefined ? Number(scaleArg) : 1
if (!(scale > 0 && scale <= 1)) {
  console.error('--scale must be in (0, 1]')
  process.exit(2)
}
const sizes = {
  members: Math.max(10, Math.round(10000 * scale)),
  assets: Math.max(10, Math.round(50000 * scale)),
  licenses: Math.max(5, Math.round(5000 * scale)),
  activity: Math.max(100, Math.round(1000000 * scale)),
}
const BENCH_WORKSPACE = 'Bench Corp'

const db = new pg.Client({ connectionString: dbUrl })
try {
  await db.connect()
} catch (err) {
  console.error(
    `✖ cannot reach Postgres at ${dbUrl.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`,
  )
  console.error('  start the stack first: npm run stack:start')
  process.exit(1)
}

try {
  const tables = await oneRow<{ activity: string | null; directory: string | null }>(
    db,
    `select to_regclass('public.activity_log') as activity, to_regclass('public.member_directory') as directory`,
  )
  if (!tables.activity || !tables.directory) {
    console.error(
      '✖ the schema is missing (no activity_log / member_directory): apply the migrations first (npm run db:reset)',
    )
    process.exit(1)
  }
  const { rows } = await db.query<{ id: string; members: number; activity: number }>(
    `select w.id, (select count(*) from public.memberships m where m.workspace_id = w.id)::int as members,
            (select count(*) from public.activity_log a where a.workspace_id = w.id)::int as activity
       from public.workspaces w where w.id = md5('fluxera-bench:ws:0')::uuid`,
  )
  const existing = rows[0]
  if (existing && !force) {
    console.log(
      `"${BENCH_WORKSPACE}" is already there (${existing.members} members, ${existing.activity} activity rows): nothing to do.`,
    )
    console.log('Rebuild it with: npm run bench:seed -- --force')
    process.exit(0)
  }
  await db.end()

  console.log(
    `Building "${BENCH_WORKSPACE}": ${sizes.members} members, ${sizes.assets} assets, ${sizes.licenses} licences, ` +
      `${sizes.activity} activity rows (+ 3 small workspaces)${rows.length ? ', replacing the previous build' : ''}`,
  )
  const t0 = performance.now()
  await runPsql(join(here, 'seed.sql'), sizes)
  const seconds = (performance.now() - t0) / 1000
  console.log(`\nBuilt in ${seconds.toFixed(1)} s.`)

  // Integrity of the hash chain written by the product's trigger.
  const check = new pg.Client({ connectionString: dbUrl })
  await check.connect()
  const owner = await oneRow<{ id: string; email: string }>(
    check,
    `select id, email from auth.users where email = 'owner@bench.fluxera.test'`,
  )
  await check.query('begin')
  await check.query(`select set_config('request.jwt.claims', $1, true)`, [
    JSON.stringify({ sub: owner.id, role: 'authenticated', email: owner.email, aal: 'aal1' }),
  ])
  const v0 = performance.now()
  const v = await oneRow<{ ok: boolean; rows_checked: string; first_bad_id: string | null }>(
    check,
    `select ok, rows_checked, first_bad_id from public.verify_activity_log(md5('fluxera-bench:ws:0')::uuid)`,
  )
  const verifyMs = performance.now() - v0
  await check.query('rollback')
  await check.end()
  console.log(
    `verify_activity_log("${BENCH_WORKSPACE}"): ok=${v.ok}, ${v.rows_checked} rows checked in ${(verifyMs / 1000).toFixed(1)} s` +
      (v.ok ? '' : `, first bad id ${v.first_bad_id}`),
  )
  if (!v.ok) process.exitCode = 1
  console.log(
    "The benches mint the bench admin's JWT with the project secret (with a live session row) to measure PostgREST and Postgres alone; npm run bench:auth measures sign-in.",
  )
} catch (err) {
  console.error(`✖ ${(err as Error).message}`)
  process.exitCode = 1
}

function runPsql(file: string, vars: Record<string, number>): Promise<void> {
  const url = new URL(dbUrl)
  const argv = [
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username),
    '-d',
    url.pathname.slice(1) || 'postgres',
    ...Object.entries(vars).flatMap(([k, v]) => ['-v', `${k}=${v}`]),
    '-f',
    file,
  ]
  return new Promise((resolve, reject) => {
    const child = spawn(join(pgBin, 'psql'), argv, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        PGPASSWORD: decodeURIComponent(url.password),
        PGOPTIONS: '--client-min-messages=warning',
      },
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`seed.sql failed (psql exit ${code})`)),
    )
  })
}
