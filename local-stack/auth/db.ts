// Postgres access for the local Auth: one pool (as supabase_auth_admin, like real Auth), a
// transaction helper, and timestamps rendered the way Auth's JSON shows them.
import pg from 'pg'

// timestamptz and timestamp come back as text; toIso() turns them into RFC 3339 like Go does.
pg.types.setTypeParser(1184, (v: string) => v)
pg.types.setTypeParser(1114, (v: string) => v)
pg.types.setTypeParser(20, (v: string) => Number(v))

export type Db = pg.Pool | pg.PoolClient
// Database rows and JSON bodies are untyped here: Auth's columns are read by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>

let pool: pg.Pool | null = null

export function connect(url: string): pg.Pool {
  pool = new pg.Pool({
    connectionString: url,
    max: 10,
    options: '-c timezone=UTC -c search_path=auth',
  })
  pool.on('error', (err) => console.error('auth: idle database client error', err.message))
  return pool
}

export function db(): pg.Pool {
  if (!pool) throw new Error('database not connected')
  return pool
}

/** Runs fn in one transaction; everything it writes commits together or not at all. */
export async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db().connect()
  try {
    await client.query('begin')
    const out = await fn(client)
    await client.query('commit')
    return out
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/** An error to return from a transaction whose writes must still commit (e.g. revoking a token family). */
export class CommitWithError extends Error {
  override cause: unknown
  constructor(cause: unknown) {
    super('commit with error')
    this.cause = cause
  }
}

export async function txCommitting<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db().connect()
  try {
    await client.query('begin')
    try {
      const out = await fn(client)
      await client.query('commit')
      return out
    } catch (err) {
      if (err instanceof CommitWithError) {
        await client.query('commit')
        throw err.cause
      }
      throw err
    }
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}

/** Postgres timestamp text ("2026-12-01 21:56:52.891232+00") to Go's RFC 3339 ("2026-12-01T21:56:52.891232Z"). */
export function toIso(v: string | null | undefined): string | null {
  if (v == null) return null
  return v
    .replace(' ', 'T')
    .replace(/\+00(:00)?$/, 'Z')
    .replace(/([^Z])$/, '$1Z')
}
