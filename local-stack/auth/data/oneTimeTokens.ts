// auth.one_time_tokens: the hashed tokens of mailed links and codes, one per user and type.
import type { Db } from '../db.ts'

export type TokenType =
  | 'confirmation_token'
  | 'recovery_token'
  | 'email_change_token_new'
  | 'email_change_token_current'
  | 'reauthentication_token'

/** Stores a user's token of one type, replacing the one before. */
export async function replaceOneTimeToken(
  c: Db,
  userId: string,
  type: TokenType,
  hash: string,
  relatesTo: string,
) {
  await deleteOneTimeTokens(c, userId, [type])
  await c.query(
    `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, $3, $4, now(), now())`,
    [userId, type, hash, relatesTo],
  )
}

/** Deletes the user's tokens of the given types, or all of them. */
export async function deleteOneTimeTokens(c: Db, userId: string, types?: TokenType[]) {
  if (types)
    await c.query(
      `delete from auth.one_time_tokens where user_id = $1 and token_type = any($2::auth.one_time_token_type[])`,
      [userId, types],
    )
  else await c.query(`delete from auth.one_time_tokens where user_id = $1`, [userId])
}
