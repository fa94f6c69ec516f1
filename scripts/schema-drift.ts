#!/usr/bin/env node
// The drift check: do supabase/migrations and supabase/schemas describe the same database?
//
//   node scripts/schema-drift.ts               (a suite of `npm test`; needs the local stack running)
//   node scripts/schema-drift.ts --dump DIR    also writes both catalogues to DIR, to diff by hand
//
// `supabase db diff` answers this with Docker, which these machines lack, so this builds both
// natively on the running stack's Postgres server: a scratch database made like the stack's
// (local-stack/bootstrap.sql, then the Auth schema), copied twice; one copy gets
// supabase/migrations/*.sql in order, the other the files config.toml's `[db.migrations]
// schema_paths` lists, in that order. Then scripts/schema-drift.sql reads each catalogue (every
// function's definition, grants and settings, tables, columns, constraints, indexes, triggers,
// views, policies, comments, catalogue rows, roles and their settings ...) and the two are compared.
// Exit 1 names the first object that differs and prints the difference.
//
// Roles are cluster-wide, so two databases of one server share them: the stack's own database
// already has fluxera_analyst, and a build that forgot to create or configure it would still
// see it. Each build therefore runs in one transaction that first renames every role the
// bootstrap did not make out of the way and resets the bootstrap roles' settings (the
// bootstrap then sets them again), so the roles the catalogue shows are the build's own; the
// transaction is rolled back, so the stack's roles are untouched, and the scratch databases
// are dropped.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { root } from '../local-stack/config.ts'
import { psql } from '../local-stack/pg.ts'

const supabaseDir = join(root, 'supabase')
const bootstrapFile = join(root, 'local-stack', 'bootstrap.sql')
const authSchemaFile = join(root, 'local-stack', 'auth', 'schema.sql')
const catalogueFile = join(root, 'scripts', 'schema-drift.sql')

/** The files of `[db.migrations] schema_paths` in supabase/config.toml, in order (globs as `*`). */
export function schemaPaths(): string[] {
  const toml = readFileSync(join(supabaseDir, 'config.toml'), 'utf8')
  const section = toml.split(/^\[db\.migrations\]\s*$/m)[1]?.split(/^\[/m)[0] ?? ''
  const list = section.match(/^schema_paths\s*=\s*\[([^\]]*)\]/m)?.[1]
  if (!list) return []
  const files: string[] = []
  for (const [, entry] of list.matchAll(/"([^"]+)"/g)) {
    const path = resolve(supabaseDir, entry!)
    if (!path.includes('*')) {
      files.push(path)
      continue
    }
    const dir = path.slice(0, path.lastIndexOf('/'))
    const re = new RegExp(
      `^${path
        .slice(dir.length + 1)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    )
    for (const f of readdirSync(dir)
      .filter((f) => re.test(f))
      .sort())
      files.push(join(dir, f))
  }
  return files
}

export function migrationFiles(): string[] {
  const dir = join(supabaseDir, 'migrations')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => join(dir, f))
}

type Catalogue = Map<string, string>

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`
const psqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`

/** The bootstrap's text for database `db` (it sets the search_path of database `postgres`). */
function bootstrapFor(db: string) {
  return readFileSync(bootstrapFile, 'utf8').replace(
    /alter database postgres /g,
    `alter database ${quoteIdent(db)} `,
  )
}

/** Roles the bootstrap creates; every other role is hidden from a build (see the top). */
function bootstrapRoles() {
  const sql = readFileSync(bootstrapFile, 'utf8')
  return ['postgres', ...[...sql.matchAll(/create role (\w+)/g)].map((m) => m[1]!)]
}

function build(db: string, files: string[]): Catalogue {
  const keep = bootstrapRoles()
    .map((r) => `'${r}'`)
    .join(', ')
  const marker = '@@drift@@'
  const script = [
    'begin;',
    `do $$
declare r record;
begin
  for r in select oid, rolname from pg_roles where rolname !~ '^pg_' and rolname not in (${keep}) loop
    execute format('alter role %I rename to %I', r.rolname, 'drift_hidden_' || r.oid);
  end loop;
  for r in select rolname from pg_roles where rolname in (${keep}) loop
    execute format('alter role %I reset all', r.rolname);
  end loop;
end
$$;`,
    bootstrapFor(db),
    // The files run as written; a failure stops with psql's file:line message.
    ...files.map((f) => `\\i ${psqlPath(f)}`),
    `\\set QUIET on`,
    readFileSync(catalogueFile, 'utf8').replace(
      /^select json_build_array\(kind, key, def\)::text$/m,
      `select '${marker}' || json_build_array(kind, key, def)::text`,
    ),
    'rollback;',
  ].join('\n')
  const out = psql(['-At', '-f', '-'], { database: db, input: script })
  const cat: Catalogue = new Map()
  for (const line of out.split('\n')) {
    if (!line.startsWith(marker)) continue
    const [kind, key, def] = JSON.parse(line.slice(marker.length)) as [string, string, string]
    cat.set(`${kind} ${key}`, def ?? '')
  }
  if (cat.size === 0) throw new Error(`the catalogue of ${db} came back empty`)
  return cat
}

/** A short line diff (longest common subsequence), `-` migrations, `+` schemas, 2 lines of context. */
export function lineDiff(a: string, b: string, context = 2, max = 40): string[] {
  const x = a.split('\n')
  const y = b.split('\n')
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () =>
    new Array<number>(y.length + 1).fill(0),
  )
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i]![j] =
        x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  const ops: { tag: ' ' | '-' | '+'; line: string }[] = []
  let i = 0
  let j = 0
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push({ tag: ' ', line: x[i]! })
      i++
      j++
    } else if (i < x.length && (j === y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ tag: '-', line: x[i++]! })
    } else {
      ops.push({ tag: '+', line: y[j++]! })
    }
  }
  const near = ops.map((_, k) =>
    ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.tag !== ' '),
  )
  const lines: string[] = []
  ops.forEach((o, k) => {
    if (!near[k]) {
      if (lines.at(-1) !== '  …') lines.push('  …')
      return
    }
    lines.push(`${o.tag} ${o.line}`)
  })
  return lines.length > max
    ? [...lines.slice(0, max), `  … (${lines.length - max} more lines)`]
    : lines
}

export function compare(fromMigrations: Catalogue, fromSchemas: Catalogue) {
  const keys = [...new Set([...fromMigrations.keys(), ...fromSchemas.keys()])].sort()
  return keys.filter((k) => fromMigrations.get(k) !== fromSchemas.get(k))
}

async function main() {
  const t0 = performance.now()
  const schemas = schemaPaths()
  if (schemas.length === 0) {
    console.error('✖ drift: supabase/config.toml lists no [db.migrations] schema_paths')
    return false
  }
  const migrations = migrationFiles()
  const tag = `${process.pid}_${Date.now().toString(36)}`
  const base = `drift_base_${tag}`
  const dbs = { migrations: `drift_migrations_${tag}`, schemas: `drift_schemas_${tag}` }
  const made: string[] = []
  try {
    psql(['-c', `create database ${quoteIdent(base)}`])
    made.push(base)
    psql(['-f', '-'], { database: base, input: bootstrapFor(base) })
    psql(['--single-transaction', '-f', authSchemaFile], {
      database: base,
      user: 'supabase_auth_admin',
    })
    for (const db of Object.values(dbs)) {
      psql(['-c', `create database ${quoteIdent(db)} template ${quoteIdent(base)}`])
      made.push(db)
    }
    const fromMigrations = build(dbs.migrations, migrations)
    const fromSchemas = build(dbs.schemas, schemas)
    const dumpAt = process.argv.indexOf('--dump')
    if (dumpAt > 0 && process.argv[dumpAt + 1]) {
      const dir = resolve(process.argv[dumpAt + 1]!)
      mkdirSync(dir, { recursive: true })
      for (const [name, cat] of [
        ['migrations', fromMigrations],
        ['schemas', fromSchemas],
      ] as const) {
        const text = [...cat].map(([k, v]) => `== ${k}\n${v}\n`).join('')
        writeFileSync(join(dir, `${name}.txt`), text)
      }
      console.log(`  catalogues written to ${dir}/migrations.txt and schemas.txt`)
    }
    const differ = compare(fromMigrations, fromSchemas)
    const secs = ((performance.now() - t0) / 1000).toFixed(1)
    if (differ.length === 0) {
      console.log(
        `✔ drift: ${migrations.length} migrations and ${schemas.length} schema files define the same ${fromMigrations.size} objects (${secs}s)`,
      )
      return true
    }
    const first = differ[0]!
    const a = fromMigrations.get(first)
    const b = fromSchemas.get(first)
    const why =
      a === undefined
        ? 'only supabase/schemas defines it'
        : b === undefined
          ? 'only supabase/migrations defines it'
          : 'the two definitions differ'
    console.error(`✖ drift: ${first}: ${why}`)
    if (a !== undefined && b !== undefined) {
      console.error('  --- supabase/migrations\n  +++ supabase/schemas')
      for (const l of lineDiff(a, b)) console.error(`  ${l}`)
    }
    if (differ.length > 1) {
      const more = differ.slice(1, 11)
      console.error(`  ${differ.length - 1} more object(s) differ: ${more.join('; ')}`)
    }
    console.error(`  (${secs}s)`)
    return false
  } finally {
    for (const db of made.reverse()) {
      try {
        psql(['-c', `drop database if exists ${quoteIdent(db)} with (force)`])
      } catch (err) {
        console.error(`  could not drop ${db}: ${(err as Error).message}`)
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    if (!(await main())) process.exitCode = 1
  } catch (err) {
    console.error(`✖ drift: ${(err as Error).message}`)
    process.exitCode = 1
  }
}
