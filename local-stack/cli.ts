#!/usr/bin/env node
// The local Supabase stack without Docker: PostgreSQL 15, PostgREST 12, Auth (the project's
// GoTrue-compatible stand-in, or Supabase Auth itself with SUPABASE_AUTH_BIN), Deno functions,
// Mailpit and a gateway on 127.0.0.1:54321, wired like `supabase start`.
//
//   node local-stack/cli.ts start     start what is not running; apply pending migrations
//   node local-stack/cli.ts stop      stop everything
//   node local-stack/cli.ts status    what runs, where, with which keys
//   node local-stack/cli.ts reset     stop, wipe the database and mail, start again from empty
//   node local-stack/cli.ts migrate   apply pending migrations to the running database
//   node local-stack/cli.ts test-db   run the pgTAP suite (supabase/tests/database) with pg_prove
//   node local-stack/cli.ts idp start|stop|status
//                                     the SSO test identity provider and DNS server (idp.ts),
//                                     which only the tests that need them start otherwise
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import {
  anonKey,
  publishableKey,
  secretKey,
  apiUrl,
  dbUrl,
  mailUrl,
  paths,
  ports,
  root,
  schemaReloadChannel,
  serviceRoleKey,
  stateDir,
} from './config.ts'
import { StackError, realAuthBin, realAuthMigrate, services } from './services.ts'
import { psql } from './pg.ts'

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)

const supabaseCli = join(root, 'node_modules', '.bin', 'supabase')

/**
 * Applies pending supabase/migrations with the Supabase CLI (`supabase db push --db-url`), the same
 * command that deploys them to a hosted project; with `seed`, supabase/seed.sql follows (new
 * databases only). The CLI records both in supabase_migrations and runs each file in a transaction.
 */
export function migrate({ quiet = false, seed = false } = {}) {
  if (!existsSync(supabaseCli))
    throw new StackError(
      'migrations',
      `the Supabase CLI is not installed (${supabaseCli}); run npm install`,
    )
  const args = [
    'db',
    'push',
    '--yes',
    '--db-url',
    `${dbUrl}?sslmode=disable`,
    ...(seed ? ['--include-seed'] : []),
  ]
  const r = spawnSync(supabaseCli, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  })
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`
  if (r.error)
    throw new StackError('migrations', `could not run the Supabase CLI: ${r.error.message}`)
  if (r.status !== 0) {
    const why = out
      .trim()
      .split('\n')
      .filter((l) => !/^(Connecting|Applying|Do you want|Initialising| \u2022|\s*\[Y\/n\])/.test(l))
    throw new StackError(
      'migrations',
      `supabase db push failed:\n    ${why.slice(-6).join('\n    ')}`,
    )
  }
  const applied = [...out.matchAll(/Applying migration (\S+)\.sql/g)].map((m) => m[1])
  if (!quiet) for (const name of applied) console.log(`  applied ${name}`)
  if (seed && /Seeding data from/.test(out)) console.log('  seeded demo data')
  if (applied.length > 0 || seed) psql(['-c', `notify ${schemaReloadChannel()}, 'reload schema'`])
  return applied.length
}

/**
 * The auth schema's tables and functions, before the project's migrations: Supabase Auth's own
 * migrations when SUPABASE_AUTH_BIN is set, else the local stand-in's local-stack/auth/schema.sql.
 */
async function authSchema() {
  const has = (table: string) =>
    psql(['-At', '-c', `select to_regclass('auth.${table}') is not null`]).trim() === 't'
  if (realAuthBin) {
    // Auth records its migrations in auth.schema_migrations (the stand-in leaves that table empty).
    const done =
      has('schema_migrations') &&
      psql(['-At', '-c', 'select count(*) from auth.schema_migrations']).trim() !== '0'
    if (has('users') && !done) {
      throw new StackError(
        'auth',
        'this database was made for the local Auth stand-in; run `npm run db:reset` with SUPABASE_AUTH_BIN set',
      )
    }
    if (done) return
    await realAuthMigrate()
    console.log(`  applied Supabase Auth's migrations (${realAuthBin} migrate)`)
    return
  }
  if (has('users') && has('one_time_tokens')) return
  if (has('users')) {
    throw new StackError(
      'auth',
      'this database has the old bootstrap auth tables; run `npm run db:reset` to rebuild it with the local Auth schema',
    )
  }
  try {
    psql(['--single-transaction', '-f', join(root, 'local-stack', 'auth', 'schema.sql')], {
      user: 'supabase_auth_admin',
    })
  } catch (err) {
    throw new StackError('auth', `local-stack/auth/schema.sql failed: ${(err as Error).message}`)
  }
  console.log('  applied the local Auth schema')
}

export async function start() {
  const t0 = performance.now()
  mkdirSync(paths.logs, { recursive: true })
  mkdirSync(paths.pids, { recursive: true })
  const started = []
  try {
    for (const svc of services) {
      if (await svc.running()) continue
      await svc.checkPort()
      const fresh = await svc.start()
      started.push(svc)
      if (svc.name === 'postgres') {
        if (fresh) {
          psql(['-f', join(root, 'local-stack', 'bootstrap.sql')])
          console.log('  applied the Supabase bootstrap')
        }
        await authSchema()
        migrate({ seed: fresh })
      }
    }
  } catch (err) {
    for (const svc of started.reverse()) await svc.stop().catch(() => {})
    if (err instanceof StackError) {
      console.error(`✖ ${err.component}: ${err.message}${err.log ? `\n  see ${err.log}` : ''}`)
      process.exitCode = 1
      return false
    }
    throw err
  }
  if (started.length === 0) {
    try {
      migrate()
    } catch (err) {
      if (!(err instanceof StackError)) throw err
      console.error(`✖ ${err.component}: ${err.message}`)
      process.exitCode = 1
      return false
    }
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1)
  console.log(`${bold('Local Supabase stack ready')} in ${secs}s`)
  printStatus()
  return true
}

export async function stop() {
  const { testServices } = await import('./idp.ts')
  for (const svc of [...services, ...testServices].reverse()) await svc.stop()
  console.log('Local Supabase stack stopped')
}

function printStatus() {
  console.log(`  API URL:      ${apiUrl}
  DB URL:       ${dbUrl}
  Mail (UI+API): ${mailUrl}
  Publishable key: ${publishableKey}  (the SPA's VITE_SUPABASE_PUBLISHABLE_KEY)
  Secret key:      ${secretKey}  (backends only; refused from a browser)
  JWKS:            ${apiUrl}/auth/v1/.well-known/jwks.json  (ES256, supabase/signing_keys.json)
  legacy anon key: ${anonKey}
  legacy service_role: ${serviceRoleKey}  (never in the SPA)`)
}

async function status() {
  let all = true
  for (const svc of services) {
    const up = await svc.running()
    all &&= up
    console.log(
      `  ${up ? '●' : '○'} ${svc.name.padEnd(10)} ${up ? 'running' : 'stopped'}  ${svc.where}`,
    )
  }
  if (all) printStatus()
  return all
}

async function reset() {
  await stop()
  rmSync(join(stateDir, 'pg'), { recursive: true, force: true })
  rmSync(paths.mailDb, { force: true })
  console.log('  wiped the database and the mailbox')
  return start()
}

function testDb() {
  const tests = join(root, 'supabase', 'tests', 'database')
  const files = existsSync(tests)
    ? readdirSync(tests)
        .filter((f) => f.endsWith('.test.sql'))
        .sort()
    : []
  if (files.length === 0) {
    console.error('no pgTAP files in supabase/tests/database')
    return false
  }
  const r = spawnSync(
    'pg_prove',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(ports.db),
      '-U',
      'postgres',
      '-d',
      'postgres',
      ...files.map((f) => join(tests, f)),
    ],
    { stdio: 'inherit', env: { ...process.env, PGPASSWORD: 'postgres' } },
  )
  if (r.error) {
    console.error(
      `✖ pg_prove: ${r.error.message} (install Debian's libtap-parser-sourcehandler-pgtap-perl)`,
    )
    return false
  }
  return r.status === 0
}

/** `idp start|stop|status`: SimpleSAMLphp and dnsmasq for the SSO tests. */
async function idpCommand() {
  const { idpMetadataUrl, startDns, startIdp, stopDns, stopIdp, testServices } =
    await import('./idp.ts')
  const sub = process.argv[3] ?? 'status'
  try {
    if (sub === 'start') {
      await startIdp()
      const dns = await startDns()
      console.log(`  IdP metadata: ${idpMetadataUrl}\n  DNS:          ${dns.ipAddr}:${dns.port}`)
    } else if (sub === 'stop') {
      await stopDns()
      await stopIdp()
    } else if (sub !== 'status') {
      console.error('usage: node local-stack/cli.ts idp start|stop|status')
      return false
    }
  } catch (err) {
    if (!(err instanceof StackError)) throw err
    console.error(`✖ ${err.component}: ${err.message}`)
    return false
  }
  for (const svc of testServices) {
    const up = await svc.running()
    console.log(
      `  ${up ? '●' : '○'} ${svc.name.padEnd(10)} ${up ? 'running' : 'stopped'}  ${svc.where}`,
    )
  }
  return true
}

const commands: Record<string, () => boolean | Promise<boolean | void>> = {
  start,
  stop,
  status,
  reset,
  migrate: () => (migrate(), true),
  'test-db': testDb,
  idp: idpCommand,
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cmd = process.argv[2] ?? 'status'
  const fn = commands[cmd]
  if (!fn) {
    console.error(`usage: node local-stack/cli.ts ${Object.keys(commands).join('|')}`)
    process.exit(2)
  }
  const ok = await fn()
  if (ok === false) process.exitCode = 1
}
