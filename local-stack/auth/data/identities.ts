// auth.identities: every statement the local Auth runs on it.
import type { Db, Row } from '../db.ts'

/**
 * An identity as Auth's NewIdentity makes it: provider_id is the data's sub. Stamped with the
 * clock, not the transaction's start, so a user's identities keep the order they were made in.
 */
export async function insertIdentity(c: Db, userId: string, provider: string, data: Row) {
  await c.query(
    `insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values (gen_random_uuid(), $1::text, $2::uuid, $3, $4, clock_timestamp(), clock_timestamp(), clock_timestamp())`,
    [data.sub, userId, data, provider],
  )
}

export async function listIdentities(c: Db, userId: string): Promise<Row[]> {
  const r = await c.query(
    `select * from auth.identities where user_id = $1 order by created_at, id`,
    [userId],
  )
  return r.rows
}

export async function findIdentity(c: Db, userId: string, provider: string): Promise<Row | null> {
  const r = await c.query(`select * from auth.identities where user_id = $1 and provider = $2`, [
    userId,
    provider,
  ])
  return r.rows[0] ?? null
}

/** Merges keys into the identity_data of the user's identity of `provider`; false when it has none. */
export async function mergeIdentityData(
  c: Db,
  userId: string,
  provider: string,
  data: Row,
): Promise<boolean> {
  const r = await c.query(
    `update auth.identities set identity_data = identity_data || $3::jsonb, updated_at = now()
      where user_id = $1 and provider = $2`,
    [userId, provider, data],
  )
  return (r.rowCount ?? 0) > 0
}

/** Auth's signupVerify: the identities holding the user's address get email_verified = true. */
export async function markIdentityEmailVerified(c: Db, userId: string, email: string) {
  await c.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
      where user_id = $1 and email is not null and email = $2`,
    [userId, email],
  )
}

export async function deleteIdentities(c: Db, userId: string) {
  await c.query(`delete from auth.identities where user_id = $1`, [userId])
}
