// Test access to the running local stack: clients for a user, anon and the service role, and SQL
// for fixtures. Supabase Auth cannot run on this machine (README, "Supabase Auth locally"), so a
// user's access token is signed here with the project's JWT secret, carrying the claims Auth puts
// in its tokens; PostgREST verifies it exactly as it verifies Auth's.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import pg from 'pg'
import { randomUUID } from 'node:crypto'
import ws from 'ws'
import type { Database } from '../../src/types/database.types'
import { anonKey, apiUrl, dbUrl, jwtSecret, serviceRoleKey } from '../../scripts/stack/config.mjs'

export { anonKey, apiUrl, dbUrl, serviceRoleKey }
export type Client = SupabaseClient<Database>

export interface TokenOptions {
  email?: string
  aal?: 'aal1' | 'aal2'
  expiresInSeconds?: number
  role?: string
}

/** An access token shaped like Supabase Auth's, signed with the stack's JWT secret. */
export async function accessToken(userId: string, opts: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const sessionId = randomUUID()
  const aal = opts.aal ?? 'aal1'
  // Auth's tokens name a live auth.sessions row; the database refuses tokens whose session is
  // gone (revoked), so a minted token gets its session row too (none for an unknown user).
  await sql(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), $3)`,
    [sessionId, userId, aal],
  ).catch((err: { code?: string }) => {
    // 23503: no such user (22P02: not even a uuid), so no session to record
    if (err.code !== '23503' && err.code !== '22P02') throw err
  })
  return new SignJWT({
    sub: userId,
    aud: 'authenticated',
    role: opts.role ?? 'authenticated',
    email: opts.email ?? '',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    aal,
    amr: [{ method: 'password', timestamp: now }],
    session_id: sessionId,
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`${apiUrl}/auth/v1`)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(jwtSecret))
}

function client(key: string, bearer?: string): Client {
  return createClient<Database>(apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {},
    realtime: { transport: ws as unknown as typeof WebSocket },
  })
}

export const anonClient = (): Client => client(anonKey)
export const serviceClient = (): Client => client(serviceRoleKey)
export async function clientAs(userId: string, opts: TokenOptions = {}): Promise<Client> {
  return client(anonKey, await accessToken(userId, opts))
}

let pool: pg.Pool | undefined
/** SQL as `postgres`, for fixtures and for reading what changed. Not a path users have. */
export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
) {
  pool ??= new pg.Pool({ connectionString: dbUrl, max: 4 })
  return (await pool.query<T>(text, values)).rows
}
export async function closeSql() {
  await pool?.end()
  pool = undefined
}

/** Creates a confirmed user in auth.users (the profile row follows by trigger); returns its id. */
export async function createUser(
  email: string,
  fullName = email.split('@')[0] ?? email,
): Promise<string> {
  const id = randomUUID()
  await sql(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
       raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
       confirmation_token, recovery_token, email_change_token_new, email_change)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2,
       extensions.crypt('Test-password-1!', extensions.gen_salt('bf', 4)), now(),
       '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', $3::text), now(), now(),
       '', '', '', '')`,
    [id, email, fullName],
  )
  return id
}

export const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`
