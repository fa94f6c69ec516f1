// auth.mfa_factors and auth.mfa_challenges: TOTP factors and their challenges.
import type { Db, Row } from '../db.ts'

export async function listFactors(c: Db, userId: string, forUpdate = false): Promise<Row[]> {
  const r = await c.query(
    forUpdate
      ? `select * from auth.mfa_factors where user_id = $1 for update`
      : `select * from auth.mfa_factors where user_id = $1 order by created_at, id`,
    [userId],
  )
  return r.rows
}

export async function hasVerifiedFactor(c: Db, userId: string): Promise<boolean> {
  const r = await c.query(
    `select 1 from auth.mfa_factors where user_id = $1 and status = 'verified' limit 1`,
    [userId],
  )
  return (r.rowCount ?? 0) > 0
}

export async function findFactor(c: Db, id: string, userId: string): Promise<Row | null> {
  const r = await c.query(`select * from auth.mfa_factors where id = $1 and user_id = $2`, [
    id,
    userId,
  ])
  return r.rows[0] ?? null
}

/** Unverified factors older than a day expire, as Auth's DeleteExpiredFactors. */
export async function deleteExpiredFactors(c: Db, userId: string) {
  await c.query(
    `delete from auth.mfa_factors where user_id = $1 and status = 'unverified' and created_at < now() - interval '1 day'`,
    [userId],
  )
}

export async function insertTotpFactor(
  c: Db,
  f: { id: string; userId: string; friendlyName: string; secret: string },
) {
  await c.query(
    `insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
     values ($1, $2, $3, 'totp', 'unverified', now(), now(), $4)`,
    [f.id, f.userId, f.friendlyName, f.secret],
  )
}

/** Deletes one factor of the user; the deleted row, or null when the user has no such factor. */
export async function deleteFactor(c: Db, id: string, userId: string): Promise<Row | null> {
  const r = await c.query(
    `delete from auth.mfa_factors where id::text = $1 and user_id = $2 returning *`,
    [id, userId],
  )
  return r.rows[0] ?? null
}

export async function markFactorVerified(c: Db, id: string) {
  await c.query(
    `update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1`,
    [id],
  )
}

/** Other unverified TOTP factors go once one is verified, as in Auth. */
export async function deleteOtherUnverifiedTotp(c: Db, userId: string, keep: string) {
  await c.query(
    `delete from auth.mfa_factors where user_id = $1 and status = 'unverified' and factor_type = 'totp' and id <> $2`,
    [userId, keep],
  )
}

/** A new challenge of the factor; its created_at. */
export async function insertChallenge(
  c: Db,
  ch: { id: string; factorId: string; ip: string },
): Promise<string> {
  const r = await c.query(
    `insert into auth.mfa_challenges (id, factor_id, created_at, ip_address) values ($1, $2, now(), coalesce(nullif($3, '')::inet, '0.0.0.0'::inet)) returning created_at`,
    [ch.id, ch.factorId, ch.ip],
  )
  await c.query(`update auth.mfa_factors set last_challenged_at = now() where id = $1`, [
    ch.factorId,
  ])
  return r.rows[0].created_at
}

export async function findChallenge(c: Db, id: string, factorId: string): Promise<Row | null> {
  const r = await c.query(`select * from auth.mfa_challenges where id = $1 and factor_id = $2`, [
    id,
    factorId,
  ])
  return r.rows[0] ?? null
}

export async function deleteChallenge(c: Db, id: string) {
  await c.query(`delete from auth.mfa_challenges where id = $1`, [id])
}

export async function markChallengeVerified(c: Db, id: string) {
  await c.query(`update auth.mfa_challenges set verified_at = now() where id = $1`, [id])
}

export async function deleteAllFactors(c: Db, userId: string) {
  await c.query(`delete from auth.mfa_factors where user_id = $1`, [userId])
}
