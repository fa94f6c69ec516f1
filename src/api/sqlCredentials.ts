import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'

/** A read-only SQL credential of the workspace, as listed (never with its password). */
export interface SqlCredential {
  id: string
  name: string
  /** The Postgres user name (fx_ro_...). */
  role_name: string
  created_by: string | null
  created_by_email: string | null
  created_at: string
  rotated_at: string | null
  /** Null: never expires. */
  expires_at: string | null
  /** Last moment a session of it was seen (sampled), null if never. */
  last_used_at: string | null
  open_sessions: number
}

/** What creation and rotation return: the password, shown once and stored nowhere. */
export interface SqlSecret {
  id: string
  name: string
  role_name: string
  password: string
  expires_at: string | null
}

/** Where a SQL client connects: host, port, database, and what the user name needs appended. */
export interface SqlTarget {
  host: string
  port: number
  database: string
  /** Supabase's pooler wants `<user>.<project ref>`; empty for a direct connection. */
  userSuffix: string
}

type Env = Record<string, string | boolean | undefined>

/**
 * The database the SPA's own Supabase project exposes to SQL clients. VITE_SQL_HOST,
 * VITE_SQL_PORT, VITE_SQL_DATABASE and VITE_SQL_USER_SUFFIX override it (e.g. the session
 * pooler, docs/reporting.md). Otherwise: a local stack's Postgres is the API port + 1 on the same
 * host (54321 -> 54322, with any port offset); a hosted project's direct host is db.<ref>.supabase.co:5432.
 */
export function sqlTarget(env: Env = import.meta.env): SqlTarget {
  const text = (key: string) =>
    typeof env[key] === 'string' && env[key] !== '' ? (env[key] as string) : undefined
  const api = new URL(text('VITE_SUPABASE_URL') ?? 'http://127.0.0.1:54321')
  const hosted = api.hostname.endsWith('.supabase.co')
  const host = text('VITE_SQL_HOST') ?? (hosted ? `db.${api.hostname}` : api.hostname)
  const port = Number(text('VITE_SQL_PORT') ?? (hosted ? 5432 : Number(api.port || 80) + 1))
  return {
    host,
    port,
    database: text('VITE_SQL_DATABASE') ?? 'postgres',
    userSuffix: text('VITE_SQL_USER_SUFFIX') ?? '',
  }
}

/** A ready `postgresql://user:password@host:port/db` for psql, Metabase or Grafana. */
export function connectionString(
  secret: Pick<SqlSecret, 'role_name' | 'password'>,
  target = sqlTarget(),
): string {
  const user = encodeURIComponent(secret.role_name + target.userSuffix)
  const host = target.host.includes(':') ? `[${target.host}]` : target.host
  return `postgresql://${user}:${encodeURIComponent(secret.password)}@${host}:${target.port}/${encodeURIComponent(target.database)}?sslmode=${isLocal(target.host) ? 'disable' : 'require'}`
}

function isLocal(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}

export async function listSqlCredentials(workspaceId: string): Promise<SqlCredential[]> {
  return (await unwrap(supabase.rpc('list_sql_credentials', { p_workspace_id: workspaceId }))) ?? []
}

export async function createSqlCredential(
  workspaceId: string,
  name: string,
  expiresAt: string | null,
): Promise<SqlSecret> {
  const rows = await unwrap(
    supabase.rpc('create_sql_credential', {
      p_workspace_id: workspaceId,
      p_name: name,
      ...(expiresAt ? { p_expires_at: expiresAt } : {}),
    }),
  )
  return rows[0]!
}

export async function rotateSqlCredential(credentialId: string): Promise<SqlSecret> {
  const rows = await unwrap(
    supabase.rpc('rotate_sql_credential', { p_credential_id: credentialId }),
  )
  return rows[0]!
}

export async function revokeSqlCredential(credentialId: string): Promise<void> {
  await unwrap(supabase.rpc('revoke_sql_credential', { p_credential_id: credentialId }))
}
