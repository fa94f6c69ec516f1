// Auth hooks as Postgres functions (pg-functions://postgres/<schema>/<fn>), called like real Auth:
// `select <schema>.<fn>($1)` inside the caller's transaction, on a connection as supabase_auth_admin.
import type { PoolClient } from 'pg'
import type { Hook } from './config.ts'
import { db, type Row } from './db.ts'
import { ApiError } from './errors.ts'

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`

export async function invokeHook(
  hook: Hook,
  input: Record<string, unknown>,
  client?: PoolClient,
): Promise<Row> {
  const sql = `select ${ident(hook.schema)}.${ident(hook.fn)}($1::jsonb) as out`
  const run = async (c: PoolClient) => {
    await c.query(`savepoint hook`)
    try {
      await c.query(`set local statement_timeout to '2000'`)
      const r = await c.query(sql, [JSON.stringify(input)])
      await c.query(`set local statement_timeout to default`)
      await c.query(`release savepoint hook`)
      return r.rows[0]?.out as Row | null
    } catch {
      await c.query(`rollback to savepoint hook`)
      throw new ApiError(
        500,
        'unexpected_failure',
        `Error running hook URI: ${hook.uri}`,
        undefined,
      )
    }
  }
  let out: Row | null
  if (client) out = await run(client)
  else {
    const c = await db().connect()
    try {
      await c.query('begin')
      out = await run(c)
      await c.query('commit')
    } catch (err) {
      await c.query('rollback').catch(() => {})
      throw err
    } finally {
      c.release()
    }
  }
  const e = out?.error as { http_code?: number; message?: string } | undefined
  if (e && e.message) {
    const status = e.http_code || 500
    throw new ApiError(status, status >= 500 ? 'unexpected_failure' : 'unknown', e.message)
  }
  return out ?? {}
}
