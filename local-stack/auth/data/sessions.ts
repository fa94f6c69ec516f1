// auth.sessions, auth.refresh_tokens and auth.mfa_amr_claims: a signed-in session, its rotating
// refresh tokens and how it was authenticated.
import type { Db, Row } from '../db.ts'

export async function insertSession(
  c: Db,
  s: {
    id: string
    userId: string
    factorId: string | null
    userAgent: string | null
    ip: string
    /** The session's end (an SSO assertion's SessionNotOnOrAfter); null for none. */
    notAfter?: string | null
  },
) {
  await c.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, factor_id, aal, not_after, refreshed_at, user_agent, ip)
     values ($1, $2, now(), now(), $3, 'aal1', $6, null, $4, nullif($5, '')::inet)`,
    [s.id, s.userId, s.factorId, s.userAgent, s.ip, s.notAfter ?? null],
  )
}

export async function findSession(c: Db, id: string, forUpdate = false): Promise<Row | null> {
  const r = await c.query(
    `select * from auth.sessions where id = $1 ${forUpdate ? 'for update' : ''}`,
    [id],
  )
  return r.rows[0] ?? null
}

export async function deleteSession(c: Db, id: string) {
  await c.query(`delete from auth.sessions where id = $1`, [id])
}

/** Ends the user's sessions, all of them or all but `except`. */
export async function deleteUserSessions(c: Db, userId: string, except?: string | null) {
  if (except)
    await c.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [userId, except])
  else await c.query(`delete from auth.sessions where user_id = $1`, [userId])
}

/** Ends the user's other sessions that have not stepped up to aal2. */
export async function deleteSessionsBelowAal2(c: Db, userId: string, except: string) {
  await c.query(
    `delete from auth.sessions where user_id = $1 and id <> $2 and (aal is null or aal < 'aal2')`,
    [userId, except],
  )
}

export async function stepUpSession(c: Db, id: string, factorId: string) {
  await c.query(
    `update auth.sessions set aal = 'aal2', factor_id = $2, updated_at = now() where id = $1`,
    [id, factorId],
  )
}

/** Sessions that stepped up with a factor drop back to aal1 when it goes. */
export async function dropSessionsToAal1(c: Db, factorId: string) {
  await c.query(`update auth.sessions set aal = 'aal1', factor_id = null where factor_id = $1`, [
    factorId,
  ])
}

export async function markSessionRefreshed(
  c: Db,
  id: string,
  userAgent: string | null,
  ip: string,
) {
  await c.query(
    `update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now(), user_agent = $2, ip = nullif($3, '')::inet where id = $1`,
    [id, userAgent, ip],
  )
}

export async function insertRefreshToken(
  c: Db,
  t: {
    instanceId: string
    token: string
    userId: string
    parent: string | null
    sessionId: string
  },
) {
  await c.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, $3, false, now(), now(), $4, $5)`,
    [t.instanceId, t.token, t.userId, t.parent, t.sessionId],
  )
}

export async function lockRefreshToken(c: Db, token: string): Promise<Row | null> {
  const r = await c.query(`select * from auth.refresh_tokens where token = $1 for update`, [token])
  return r.rows[0] ?? null
}

/** The session's newest refresh token that is not revoked. */
export async function activeRefreshToken(
  c: Db,
  sessionId: string,
  forUpdate = false,
): Promise<Row | null> {
  const r = await c.query(
    `select * from auth.refresh_tokens where session_id = $1 and revoked = false order by id desc limit 1 ${
      forUpdate ? 'for update' : ''
    }`,
    [sessionId],
  )
  return r.rows[0] ?? null
}

export async function revokeRefreshToken(c: Db, id: string) {
  await c.query(`update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1`, [
    id,
  ])
}

/** Revokes every live refresh token of a session (a reused token's family). */
export async function revokeSessionRefreshTokens(c: Db, sessionId: string) {
  await c.query(
    `update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and revoked = false`,
    [sessionId],
  )
}

export async function deleteRefreshToken(c: Db, id: string) {
  await c.query(`delete from auth.refresh_tokens where id = $1`, [id])
}

/** Records (or renews) how a session was authenticated. */
export async function upsertAmrClaim(c: Db, sessionId: string, method: string) {
  await c.query(
    `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
     values (gen_random_uuid(), $1, now(), now(), $2)
     on conflict (session_id, authentication_method) do update set updated_at = now()`,
    [sessionId, method],
  )
}

/** The session's claims, most recent first. */
export async function listAmrClaims(c: Db, sessionId: string): Promise<Row[]> {
  const r = await c.query(
    `select authentication_method, updated_at from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [sessionId],
  )
  return r.rows
}

export async function deleteAmrClaim(c: Db, sessionId: string, method: string) {
  await c.query(
    `delete from auth.mfa_amr_claims where session_id = $1 and authentication_method = $2`,
    [sessionId, method],
  )
}
