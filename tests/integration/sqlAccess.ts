// A workspace SQL credential from the analyst's side: made by an Owner through supabase-js
// (PostgREST), then used over a real Postgres connection (`pg`), the way Metabase or psql would.
import pg from 'pg'
import { expect } from 'vitest'
import { ports } from '../../local-stack/config.ts'
import type { Client } from '../helpers/stack'

export interface Credential {
  id: string
  name: string
  role_name: string
  password: string
  expires_at: string | null
}

export const REPORTING_VIEWS = [
  'activity',
  'role_changes',
  'member_roster',
  'daily_activity_counts',
  'alerts',
] as const

const open: pg.Client[] = []

/** A connection as `user`; closed by closeConnections(). */
export async function connect(user: string, password: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: ports.db,
    database: 'postgres',
    user,
    password,
  })
  client.on('error', () => {}) // a terminated session must not crash the test run
  open.push(client)
  await client.connect()
  return client
}

export async function closeConnections() {
  await Promise.all(open.splice(0).map((c) => c.end().catch(() => {})))
}

/** 'ok', or the SQLSTATE the statement failed with. */
export async function outcome(client: pg.Client, text: string): Promise<string> {
  try {
    await client.query(text)
    return 'ok'
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  }
}

/** The SQLSTATE of a failed connection attempt, or 'connected'. */
export async function connectOutcome(user: string, password: string): Promise<string> {
  try {
    const c = await connect(user, password)
    await c.query('select 1')
    return 'connected'
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  }
}

export async function count(
  client: pg.Client,
  text: string,
  values: unknown[] = [],
): Promise<number> {
  const { rows } = await client.query<{ n: string }>(text, values)
  return Number(rows[0]!.n)
}

/** Creates a credential as `owner` through the API; the test fails if the API refuses. */
export async function createCredential(
  owner: Client,
  ws: string,
  name: string,
  expiresAt?: string,
): Promise<Credential> {
  const { data, error } = await owner.rpc('create_sql_credential', {
    p_workspace_id: ws,
    p_name: name,
    ...(expiresAt ? { p_expires_at: expiresAt } : {}),
  })
  expect(error).toBeNull()
  return (data as Credential[])[0]!
}
