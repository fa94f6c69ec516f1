// Running Postgres tools: as the `postgres` OS user when we are root (Postgres refuses root).
import { spawnSync, type SpawnSyncOptionsWithStringEncoding } from 'node:child_process'
import { join } from 'node:path'
import { isRoot, pgBin, ports } from './config.ts'

/** Runs a Postgres server binary (initdb, pg_ctl) as an OS user Postgres accepts. */
export function pgTool(
  tool: string,
  args: string[],
  opts: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {},
) {
  const bin = join(pgBin, tool)
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  return spawnSync(cmd, argv, { encoding: 'utf8', ...opts })
}

export interface PsqlOptions {
  user?: string
  password?: string
  /** The database to connect to (default `postgres`, the stack's). */
  database?: string
  /** Text sent to psql's standard input (a script). */
  input?: string
}

/** Runs psql against the stack's server (database `postgres` unless told) as `postgres`; throws with psql's error text on failure. */
export function psql(
  args: string[],
  { user = 'postgres', password = 'postgres', database = 'postgres', input }: PsqlOptions = {},
): string {
  const r = spawnSync(
    join(pgBin, 'psql'),
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      '127.0.0.1',
      '-p',
      String(ports.db),
      '-U',
      user,
      '-d',
      database,
      ...args,
    ],
    {
      encoding: 'utf8',
      input,
      env: { ...process.env, PGPASSWORD: password, PGOPTIONS: '--client-min-messages=warning' },
      maxBuffer: 64 << 20,
    },
  )
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error((r.stderr || r.stdout).trim())
  return r.stdout
}
