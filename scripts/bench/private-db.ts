#!/usr/bin/env node
// A private copy of the stack's database for trying schema changes (scripts/bench/variant.ts)
// without locking the shared one: a second PostgreSQL 15 cluster with the stack's settings, the
// Supabase bootstrap and the current migrations, on 127.0.0.1:55432.
//
//   node scripts/bench/private-db.ts start   create (or start) it and apply the migrations
//   node scripts/bench/private-db.ts stop    stop it
//   node scripts/bench/private-db.ts wipe    stop it and delete its data
//
// Then: BENCH_DB_URL=postgresql://postgres:postgres@127.0.0.1:55432/postgres node scripts/bench/seed.ts
//       BENCH_DB_URL=... node scripts/bench/variant.ts scripts/bench/variants/<change>.sql
// Only SQL is measured there (no PostgREST); the figures of record come from the stack.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isRoot, pgBin, root, stateDir } from '../../local-stack/config.ts'
import { pgTool } from '../../local-stack/pg.ts'

const port = 55432
const dir = join(stateDir, 'bench-pg')
const data = join(dir, 'data')
const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`

function psql(args: string[]): string {
  const r = spawnSync(join(pgBin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
  })
  if (r.status !== 0) throw new Error((r.stderr || r.stdout).trim())
  return r.stdout
}

function start(): void {
  const fresh = !existsSync(join(data, 'PG_VERSION'))
  if (fresh) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'pwfile'), 'postgres\n')
    if (isRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir])
    const r = pgTool('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--pwfile',
      join(dir, 'pwfile'),
      '-E',
      'UTF8',
      '--no-locale',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
    ])
    rmSync(join(dir, 'pwfile'), { force: true })
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`)
    // The stack's settings (local-stack/services.ts), on another port.
    const conf = [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      `synchronous_commit = off`,
      `shared_buffers = '512MB'`,
      `work_mem = '16MB'`,
      `max_connections = 200`,
    ]
    writeFileSync(
      join(data, 'postgresql.conf'),
      `${readFileSync(join(data, 'postgresql.conf'), 'utf8')}\n${conf.join('\n')}\n`,
    )
    if (isRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir])
  }
  if (!existsSync(join(data, 'postmaster.pid'))) {
    const r = pgTool('pg_ctl', [
      'start',
      '-D',
      data,
      '-l',
      join(dir, 'postgres.log'),
      '-w',
      '-t',
      '60',
    ])
    if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr || r.stdout}`)
  }
  if (fresh) psql(['-f', join(root, 'local-stack', 'bootstrap.sql')])
  psql([
    '-c',
    'create schema if not exists bench_private; create table if not exists bench_private.applied (file text primary key)',
  ])
  const applied = new Set(
    psql(['-At', '-c', 'select file from bench_private.applied']).split('\n').filter(Boolean),
  )
  const files = readdirSync(join(root, 'supabase', 'migrations'))
    .filter((f) => f.endsWith('.sql'))
    .sort()
  for (const f of files.filter((x) => !applied.has(x))) {
    psql([
      '--single-transaction',
      '-f',
      join(root, 'supabase', 'migrations', f),
      '-c',
      `insert into bench_private.applied values ('${f}')`,
    ])
    console.log(`  applied ${f}`)
  }
  console.log(`private bench database ready: ${url}`)
}

const commands: Record<string, () => unknown> = {
  start,
  stop: () => pgTool('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']),
  wipe: () => {
    if (existsSync(join(data, 'postmaster.pid')))
      pgTool('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w'])
    rmSync(dir, { recursive: true, force: true })
  },
}
const fn = commands[process.argv[2] ?? 'start']
if (!fn) {
  console.error('usage: node scripts/bench/private-db.ts start|stop|wipe')
  process.exit(2)
}
try {
  fn()
} catch (err) {
  console.error(`✖ ${(err as Error).message}`)
  process.exitCode = 1
}
